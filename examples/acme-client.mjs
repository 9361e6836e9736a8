#!/usr/bin/env node
// acme-client's auto() with acme-preflight's challenge functions: the record (or token file) is in
// place and visible to the CA before acme-client asks the CA to validate.
//
//   npm run build
//   CLOUDFLARE_DNS_API_TOKEN=... node examples/acme-client.mjs \
//     --directory https://acme-staging-v02.api.letsencrypt.org/directory --provider cloudflare example.com '*.example.com'
//   node examples/acme-client.mjs --directory <url> --webroot /var/www/acme www.example.com
//
// Nothing is sent to any CA unless --directory is given. Writes cert.pem and key.pem to --out (default .).
// In your own code: import { withPreflight, createProvider } from 'acme-preflight';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import acme from 'acme-client';
import { createProvider, defaultProfile, withPreflight, withProfile } from '../dist/src/index.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    directory: { type: 'string' },
    provider: { type: 'string' },
    webroot: { type: 'string' },
    email: { type: 'string' },
    out: { type: 'string', default: '.' },
    'propagation-timeout': { type: 'string', default: '120' },
    // Labs only: a private root server, 127/8 treated as public, `test` as a public suffix.
    'lab-root': { type: 'string' },
  },
});

if (!values.directory || positionals.length === 0 || (!values.provider && !values.webroot)) {
  process.stderr.write(
    'usage: node examples/acme-client.mjs --directory <ACME directory URL> (--provider <code> | --webroot <dir>) <names...>\n' +
      `  Let's Encrypt staging: ${acme.directory.letsencrypt.staging}\n`,
  );
  process.exit(2);
}

const profile = values['lab-root']
  ? withProfile({
      rootHints: [{ name: 'root', address: values['lab-root'] }],
      trustAnchors: [],
      publicResolvers: [],
      allowAddresses: ['127.0.0.0/8'],
      extraPublicSuffixes: ['test'],
    })
  : defaultProfile();

const provider = values.provider ? await createProvider(values.provider, process.env) : undefined;
const fns = withPreflight({
  provider,
  webroot: values.webroot,
  profile,
  propagationTimeoutMs: Number(values['propagation-timeout']) * 1000,
  log: (line) => process.stderr.write(`${line}\n`),
});

const client = new acme.Client({
  directoryUrl: values.directory,
  accountKey: await acme.crypto.createPrivateKey(),
});
const [key, csr] = await acme.crypto.createCsr({ altNames: positionals });
try {
  const cert = await client.auto({
    csr,
    email: values.email,
    termsOfServiceAgreed: true,
    // acme-preflight already proved every authoritative server (or address) serves it.
    skipChallengeVerification: true,
    ...fns,
  });
  writeFileSync(join(values.out, 'cert.pem'), cert);
  writeFileSync(join(values.out, 'key.pem'), key, { mode: 0o600 });
  process.stdout.write(`Issued for ${positionals.join(', ')}: ${join(values.out, 'cert.pem')}\n`);
} catch (e) {
  process.stderr.write(`Not issued: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
}
