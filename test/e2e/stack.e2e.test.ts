// The stack itself, seen from Node inside the namespace: the validating resolver's verdicts over a
// real UDP socket, and acme-client against Pebble with HTTP-01 through nginx's webroot.
import dgram from 'node:dgram';
import https from 'node:https';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import dnsPacket from 'dns-packet';
import acme from 'acme-client';
import { loadStackEnv } from './stackEnv.js';

const env = loadStackEnv();

interface Answer {
  rcode: string;
  ad: boolean;
  answers: dnsPacket.Answer[];
}

async function ask(name: string, type: dnsPacket.RecordType, opts: { cd?: boolean } = {}): Promise<Answer> {
  const sock = dgram.createSocket('udp4');
  try {
    const id = Math.floor(Math.random() * 65536);
    let flags = dnsPacket.RECURSION_DESIRED;
    if (opts.cd) flags |= dnsPacket.CHECKING_DISABLED;
    const query = dnsPacket.encode({
      id,
      type: 'query',
      flags,
      questions: [{ name, type, class: 'IN' }],
      additionals: [
        { type: 'OPT', name: '.', udpPayloadSize: 1232, flags: dnsPacket.DNSSEC_OK } as dnsPacket.Answer,
      ],
    });
    const reply = await new Promise<dnsPacket.DecodedPacket>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer for ${name} ${type} within 5 s`)), 5000);
      sock.on('message', (msg) => {
        const p = dnsPacket.decode(msg);
        if (p.id !== id) return;
        clearTimeout(timer);
        resolve(p);
      });
      sock.send(query, env.dnsPort, env.resolver);
    });
    // dns-packet decodes the rcode but its typings omit it.
    const rcode = (reply as { rcode?: string }).rcode ?? '';
    return { rcode, ad: reply.flag_ad, answers: reply.answers ?? [] };
  } finally {
    sock.close();
  }
}

const aData = (a: Answer): unknown[] =>
  a.answers.filter((r) => r.type === 'A').map((r) => (r as { data?: unknown }).data);

describe('validating resolver', () => {
  test('signed.test validates (AD) and answers the web address', async () => {
    const a = await ask('signed.test', 'A');
    expect(a.rcode).toBe('NOERROR');
    expect(a.ad).toBe(true);
    expect(aData(a)).toEqual([env.web.good]);
  });

  test('good.test is insecure: an answer without AD', async () => {
    const a = await ask('www.good.test', 'A');
    expect(a.rcode).toBe('NOERROR');
    expect(a.ad).toBe(false);
    expect(aData(a)).toEqual([env.web.good]);
  });

  test('bogus.test is SERVFAIL, yet answers with CD', async () => {
    expect((await ask('www.bogus.test', 'A')).rcode).toBe('SERVFAIL');
    const cd = await ask('www.bogus.test', 'A', { cd: true });
    expect(cd.rcode).toBe('NOERROR');
    expect(aData(cd)).toEqual([env.web.good]);
  });
});

describe('Pebble with acme-client', () => {
  const challengeDir = join(env.webroot, '.well-known', 'acme-challenge');
  let client: acme.Client;

  beforeAll(async () => {
    acme.axios.defaults.httpsAgent = new https.Agent({ ca: readFileSync(env.pebble.caCert) });
    acme.setLogger(() => undefined);
    mkdirSync(challengeDir, { recursive: true });
    client = new acme.Client({
      directoryUrl: env.pebble.directoryUrl,
      accountKey: await acme.crypto.createPrivateKey(),
      backoffMin: 200,
      backoffMax: 1000,
    });
  });

  const order = async (name: string): Promise<string> => {
    const [, csr] = await acme.crypto.createCsr({ commonName: name, altNames: [name] });
    return client.auto({
      csr,
      termsOfServiceAgreed: true,
      challengePriority: ['http-01'],
      skipChallengeVerification: true,
      challengeCreateFn: async (_authz, challenge, keyAuthorization) => {
        writeFileSync(join(challengeDir, challenge.token), keyAuthorization);
      },
      challengeRemoveFn: async (_authz, challenge) => {
        rmSync(join(challengeDir, challenge.token), { force: true });
      },
    });
  };

  test('issues a certificate for www.web.test over HTTP-01 (nginx webroot)', async () => {
    const pem = await order('www.web.test');
    const leaf = new X509Certificate(pem);
    expect(leaf.subjectAltName).toContain('DNS:www.web.test');
    expect(leaf.issuer).toMatch(/Pebble Intermediate/);
  });

  test('HTTP-01 against the 404 vhost is refused with the 404 in the problem', async () => {
    await expect(order('notfound.web.test')).rejects.toThrow(/404/);
  });
});
