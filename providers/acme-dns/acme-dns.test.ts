import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { hangAll, jsonOf, useNock, type NockReply, fetchStyle } from '../__testing__/nock.test-helper.js';
import { expectPromptCancel } from '../__testing__/cancel.test-helper.js';
import { runConformance, type ConformanceHarness } from '../conformance.js';
import { createProvider } from '../registry.js';
import { ProviderConfigError } from '../types.js';
import { meta } from './meta.js';

useNock();

/** A real-looking acme-dns server URL; nock answers for it. */
const SERVER = 'https://auth.acme-dns.io';
const ACCOUNT = {
  username: 'eabcdb41-d89f-4580-826f-3e62e9755ef2',
  password: 'pbAXVjlIOE01xbut7YnAbkhMQIkcwoHO0ek2j4Q0',
  fulldomain: 'd420c923-bbd7-4056-ab64-c3ca54c9b3cf.auth.acme-dns.io',
  subdomain: 'd420c923-bbd7-4056-ab64-c3ca54c9b3cf',
  allowfrom: [],
};

/** acme-dns keeps the two newest TXT values per subdomain; /update answers {"txt": value}. */
function acmeDnsBackend() {
  const txt = new Map<string, string[]>();
  let broken = false;
  nock(SERVER)
    .persist()
    .post('/update')
    .reply(
      fetchStyle(async (req: Request): Promise<NockReply> => {
        if (broken) return [500, { error: `bad key ${String(req.headers.get('x-api-key'))}` }];
        if (
          req.headers.get('x-api-user') !== ACCOUNT.username ||
          req.headers.get('x-api-key') !== ACCOUNT.password
        )
          return [401, { error: 'forbidden' }];
        const b = (await jsonOf(req)) as { subdomain: string; txt: string };
        if (b.subdomain !== ACCOUNT.subdomain) return [401, { error: 'forbidden' }];
        if (b.txt.length !== 43) return [400, { error: 'bad_txt' }];
        txt.set(b.subdomain, [...(txt.get(b.subdomain) ?? []), b.txt].slice(-2));
        return [200, { txt: b.txt }];
      }),
    );
  return { txt, breakIt: () => void (broken = true) };
}

let dirs: string[] = [];
function storage(content: unknown): string {
  const d = mkdtempSync(join(tmpdir(), 'acmedns-'));
  dirs.push(d);
  const p = join(d, 'acme-dns.json');
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
}
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

async function harness(): Promise<ConformanceHarness> {
  const b = acmeDnsBackend();
  return {
    meta,
    fqdn: '_acme-challenge.example.com',
    env: { ACME_DNS_API_BASE: SERVER, ACME_DNS_STORAGE_PATH: storage({ 'example.com': ACCOUNT }) },
    values: () => b.txt.get(ACCOUNT.subdomain) ?? [],
    seed: (_n, v) =>
      void b.txt.set(ACCOUNT.subdomain, [...(b.txt.get(ACCOUNT.subdomain) ?? []), v].slice(-2)),
    breakBackend: b.breakIt,
    secrets: [ACCOUNT.password],
    deletes: false,
    close: async () => void nock.cleanAll(),
  };
}

runConformance('acme-dns', harness);

describe('acme-dns requests (nock)', () => {
  const value = 'x'.repeat(43);

  it('POSTs /update with X-Api-User/X-Api-Key and the registered subdomain; delete sends nothing', async () => {
    const scope = nock(SERVER, {
      reqheaders: { 'X-Api-User': ACCOUNT.username, 'X-Api-Key': ACCOUNT.password },
    })
      .post('/update', { subdomain: ACCOUNT.subdomain, txt: value })
      .matchHeader('content-type', 'application/json')
      .reply(200, { txt: value });
    const p = await createProvider('acme-dns', {
      ACME_DNS_API_BASE: `${SERVER}/`,
      ACME_DNS_STORAGE_PATH: storage({ 'Example.com.': ACCOUNT }),
    });
    const h = await p.createTxt('_acme-challenge.example.com', value);
    expect(h).toEqual({
      provider: 'acme-dns',
      fqdn: '_acme-challenge.example.com',
      value,
      domain: 'example.com',
      fulldomain: ACCOUNT.fulldomain,
    });
    // Interceptors are single-use: a request from delete would find none and fail the test.
    await p.deleteTxt(h);
    expect(scope.isDone()).toBe(true);
  });

  it('an answer that does not echo the value is an error without the key', async () => {
    nock(SERVER).post('/update').reply(200, { txt: 'something-else', key: ACCOUNT.password });
    const p = await createProvider('acme-dns', {
      ACME_DNS_API_BASE: SERVER,
      ACME_DNS_STORAGE_PATH: storage({ 'example.com': ACCOUNT }),
    });
    const err = (await p.createTxt('_acme-challenge.example.com', value).catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/did not echo the value/);
    expect(err.message).not.toContain(ACCOUNT.password);
  });

  it('names the domain that has no account, and bad storage files', async () => {
    const p = await createProvider('acme-dns', {
      ACME_DNS_API_BASE: SERVER,
      ACME_DNS_STORAGE_PATH: storage({ 'example.com': ACCOUNT }),
    });
    await expect(p.createTxt('_acme-challenge.other.com', value)).rejects.toThrow(
      /no account for other\.com/,
    );
    await expect(
      createProvider('acme-dns', { ACME_DNS_API_BASE: SERVER, ACME_DNS_STORAGE_PATH: storage('{nope') }),
    ).rejects.toThrow(/not valid JSON/);
    const noPw = storage({ 'example.com': { ...ACCOUNT, password: '' } });
    await expect(
      createProvider('acme-dns', { ACME_DNS_API_BASE: SERVER, ACME_DNS_STORAGE_PATH: noPw }),
    ).rejects.toThrow(ProviderConfigError);
    await expect(
      createProvider('acme-dns', { ACME_DNS_API_BASE: SERVER, ACME_DNS_STORAGE_PATH: noPw }),
    ).rejects.toThrow(/entry example.com lacks password/);
  });
});

describe('acme-dns: cancellation', () => {
  it('an abort stops a pending update at once, without the account password in the error', async () => {
    hangAll(SERVER);
    const env = { ACME_DNS_API_BASE: SERVER, ACME_DNS_STORAGE_PATH: storage({ 'example.com': ACCOUNT }) };
    const p = await createProvider('acme-dns', env);
    const e = await expectPromptCancel(
      (signal) => p.createTxt('_acme-challenge.example.com', 'v', signal),
      [ACCOUNT.password, ACCOUNT.username],
    );
    expect(e.message).toContain('POST https://auth.acme-dns.io/update');
  });
});
