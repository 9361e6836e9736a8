import { describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { hangAll, jsonOf, useNock, type NockReply, fetchStyle } from '../__testing__/nock.test-helper.js';
import { abortedSignal, expectPromptCancel } from '../__testing__/cancel.test-helper.js';
import { runConformance, type ConformanceHarness } from '../conformance.js';
import { createProvider } from '../registry.js';
import { meta } from './meta.js';

useNock();

const API = 'https://api.cloudflare.com';
const TOKEN = 'cf-token-Zx81kQ0pL3mN5bV7cX9z';
const ZONE_ID = '023e105f4ecef8ad9ca31a8372d0c353';
const FQDN = '_acme-challenge.www.example.com';
const NS = ['ada.ns.cloudflare.com', 'bob.ns.cloudflare.com'];

interface Rec {
  id: string;
  type: string;
  name: string;
  content: string;
  ttl: number;
}

/** The v4 envelope: {success, errors, messages, result} (+ result_info on lists). */
const envelope = (result: unknown, resultInfo?: unknown) => ({
  success: true,
  errors: [],
  messages: [],
  result,
  ...(resultInfo ? { result_info: resultInfo } : {}),
});
const failure = (code: number, message: string) => ({
  success: false,
  errors: [{ code, message }],
  messages: [],
  result: null,
});
const zone = {
  id: ZONE_ID,
  name: 'example.com',
  status: 'active',
  paused: false,
  type: 'full',
  name_servers: NS,
  original_name_servers: ['ns1.registrar.example'],
};
const dnsRecord = (r: Rec) => ({
  ...r,
  proxiable: false,
  proxied: false,
  settings: {},
  meta: {},
  comment: null,
  tags: [],
  created_on: '2026-01-01T00:00:00.000000Z',
  modified_on: '2026-01-01T00:00:00.000000Z',
});

/** nock interceptors over an in-memory record store, shaped as the v4 API documents. */
function cloudflareBackend() {
  const records: Rec[] = [];
  let next = 1;
  let broken = false;
  const guard = (req: Request): NockReply | undefined => {
    if (broken) return [500, failure(1000, `internal error for ${String(req.headers.get('authorization'))}`)];
    if (req.headers.get('authorization') !== `Bearer ${TOKEN}`)
      return [403, failure(10000, 'Authentication error')];
    return undefined;
  };
  nock(API)
    .persist()
    .get('/client/v4/zones')
    .query(true)
    .reply(
      fetchStyle((req: Request): NockReply => {
        const name = new URL(req.url).searchParams.get('name');
        const list = name === 'example.com' ? [zone] : [];
        return (
          guard(req) ?? [
            200,
            envelope(list, {
              page: 1,
              per_page: 20,
              count: list.length,
              total_count: list.length,
              total_pages: 1,
            }),
          ]
        );
      }),
    )
    .post(`/client/v4/zones/${ZONE_ID}/dns_records`)
    .reply(
      fetchStyle(async (req: Request): Promise<NockReply> => {
        const g = guard(req);
        if (g) return g;
        const b = (await jsonOf(req)) as Omit<Rec, 'id'>;
        const rec: Rec = { id: `rec${next++}`, type: b.type, name: b.name, content: b.content, ttl: b.ttl };
        records.push(rec);
        return [200, envelope({ ...dnsRecord(rec), zone_id: ZONE_ID })];
      }),
    )
    .delete(new RegExp(`^/client/v4/zones/${ZONE_ID}/dns_records/\\w+$`))
    .reply(
      fetchStyle((req: Request): NockReply => {
        const g = guard(req);
        if (g) return g;
        const id = new URL(req.url).pathname.split('/').pop();
        const i = records.findIndex((r) => r.id === id);
        if (i < 0) return [404, failure(81044, 'Record does not exist.')];
        records.splice(i, 1);
        return [200, envelope({ id })];
      }),
    );
  return { records, breakIt: () => void (broken = true) };
}

async function harness(): Promise<ConformanceHarness> {
  const b = cloudflareBackend();
  let seeded = 0;
  return {
    meta,
    fqdn: FQDN,
    env: { CLOUDFLARE_DNS_API_TOKEN: TOKEN },
    values: (n) => b.records.filter((r) => r.name === n && r.type === 'TXT').map((r) => r.content),
    seed: (n, v) =>
      void b.records.push({ id: `seed${seeded++}`, type: 'TXT', name: n, content: v, ttl: 300 }),
    breakBackend: b.breakIt,
    close: async () => void nock.cleanAll(),
  };
}

runConformance('cloudflare', harness);

describe('cloudflare requests (nock, api.cloudflare.com)', () => {
  const auth = { reqheaders: { authorization: `Bearer ${TOKEN}` } };
  const noZone = envelope([], { page: 1, per_page: 20, count: 0, total_count: 0, total_pages: 0 });

  it('walks up to the zone, POSTs one TXT record and DELETEs exactly that record id', async () => {
    const rec = {
      id: '372e67954025e0ba6aaa6d586b9e0b59',
      type: 'TXT',
      name: FQDN,
      content: 'tok1',
      ttl: 120,
    };
    const scope = nock(API, auth)
      .get('/client/v4/zones')
      .query({ name: FQDN })
      .reply(200, noZone)
      .get('/client/v4/zones')
      .query({ name: 'www.example.com' })
      .reply(200, noZone)
      .get('/client/v4/zones')
      .query({ name: 'example.com' })
      .reply(200, envelope([zone], { page: 1, per_page: 20, count: 1, total_count: 1, total_pages: 1 }))
      .post(`/client/v4/zones/${ZONE_ID}/dns_records`, { type: 'TXT', name: FQDN, content: 'tok1', ttl: 120 })
      .matchHeader('content-type', 'application/json')
      .reply(200, envelope({ ...dnsRecord(rec), zone_id: ZONE_ID }))
      .delete(`/client/v4/zones/${ZONE_ID}/dns_records/${rec.id}`)
      .reply(200, envelope({ id: rec.id }));

    const p = await createProvider('cloudflare', { CF_DNS_API_TOKEN: TOKEN });
    const h = await p.createTxt('_acme-challenge.www.Example.com.', 'tok1');
    expect(h).toEqual({
      provider: 'cloudflare',
      fqdn: FQDN,
      value: 'tok1',
      zoneId: ZONE_ID,
      recordId: rec.id,
    });
    await p.deleteTxt(h);
    expect(scope.isDone()).toBe(true);
  });

  it('honours CLOUDFLARE_TTL in the body it sends', async () => {
    const scope = nock(API, auth)
      .get('/client/v4/zones')
      .query({ name: '_acme-challenge.example.com' })
      .reply(200, noZone)
      .get('/client/v4/zones')
      .query({ name: 'example.com' })
      .reply(200, envelope([zone]))
      .post(`/client/v4/zones/${ZONE_ID}/dns_records`, {
        type: 'TXT',
        name: '_acme-challenge.example.com',
        content: 'v',
        ttl: 300,
      })
      .reply(200, envelope(dnsRecord({ id: 'r9', type: 'TXT', name: 'x', content: 'v', ttl: 300 })));
    const p = await createProvider('cloudflare', { CLOUDFLARE_DNS_API_TOKEN: TOKEN, CLOUDFLARE_TTL: '300' });
    await p.createTxt('_acme-challenge.example.com', 'v');
    expect(scope.isDone()).toBe(true);
  });

  it('reports the zone nameservers', async () => {
    const scope = nock(API, auth)
      .get('/client/v4/zones')
      .query({ name: '_acme-challenge.example.com' })
      .reply(200, noZone)
      .get('/client/v4/zones')
      .query({ name: 'example.com' })
      .reply(200, envelope([zone]));
    const p = await createProvider('cloudflare', { CLOUDFLARE_DNS_API_TOKEN: TOKEN });
    expect(await p.zoneNameservers!('_acme-challenge.example.com')).toEqual(NS);
    expect(scope.isDone()).toBe(true);
  });

  it('says clearly when no zone matches', async () => {
    const scope = nock(API, auth)
      .get('/client/v4/zones')
      .query({ name: '_acme-challenge.other.org' })
      .reply(200, noZone)
      .get('/client/v4/zones')
      .query({ name: 'other.org' })
      .reply(200, noZone);
    const p = await createProvider('cloudflare', { CLOUDFLARE_DNS_API_TOKEN: TOKEN });
    await expect(p.createTxt('_acme-challenge.other.org', 'x')).rejects.toThrow(
      'no Cloudflare zone visible to this token contains _acme-challenge.other.org',
    );
    expect(scope.isDone()).toBe(true);
  });

  it('a rejected token is an HTTP error without the token', async () => {
    const scope = nock(API, { reqheaders: { authorization: 'Bearer wrong-token-123' } })
      .get('/client/v4/zones')
      .query({ name: FQDN })
      .reply(403, failure(10000, 'Authentication error'));
    const bad = await createProvider('cloudflare', { CLOUDFLARE_DNS_API_TOKEN: 'wrong-token-123' });
    const err = (await bad.createTxt(FQDN, 'x').catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/HTTP 403: .*Authentication error/);
    expect(err.message).not.toContain('wrong-token-123');
    expect(scope.isDone()).toBe(true);
  });

  it('a 200 with success:false is an error naming what failed', async () => {
    nock(API, auth)
      .get('/client/v4/zones')
      .query({ name: '_acme-challenge.example.com' })
      .reply(200, noZone)
      .get('/client/v4/zones')
      .query({ name: 'example.com' })
      .reply(200, envelope([zone]))
      .post(`/client/v4/zones/${ZONE_ID}/dns_records`)
      .reply(200, failure(81057, 'Record already exists.'));
    const p = await createProvider('cloudflare', { CLOUDFLARE_DNS_API_TOKEN: TOKEN });
    await expect(p.createTxt('_acme-challenge.example.com', 'v')).rejects.toThrow(
      /creating TXT _acme-challenge\.example\.com: Cloudflare reported failure: .*Record already exists/,
    );
  });

  it('a DELETE answered 404 (already gone) is not an error', async () => {
    const scope = nock(API, auth)
      .delete(`/client/v4/zones/${ZONE_ID}/dns_records/gone`)
      .reply(404, failure(81044, 'Record does not exist.'));
    const p = await createProvider('cloudflare', { CLOUDFLARE_DNS_API_TOKEN: TOKEN });
    await p.deleteTxt({ provider: 'cloudflare', fqdn: FQDN, value: 'v', zoneId: ZONE_ID, recordId: 'gone' });
    expect(scope.isDone()).toBe(true);
  });
});

describe('cloudflare: cancellation', () => {
  it('an abort stops a pending create, delete or nameserver lookup at once, naming the request', async () => {
    hangAll(API);
    const p = await createProvider('cloudflare', { CLOUDFLARE_DNS_API_TOKEN: TOKEN });
    const e = await expectPromptCancel((signal) => p.createTxt(FQDN, 'v', signal), [TOKEN]);
    expect(e.message).toContain(`GET ${API}/`);
    await expectPromptCancel(
      (signal) =>
        p.deleteTxt(
          { provider: 'cloudflare', fqdn: FQDN, value: 'v', zoneId: ZONE_ID, recordId: 'r1' },
          signal,
        ),
      [TOKEN],
    );
    await expectPromptCancel((signal) => p.zoneNameservers!(FQDN, signal), [TOKEN]);
  });

  it('an already aborted signal sends nothing (no interceptor, nothing unmatched)', async () => {
    const p = await createProvider('cloudflare', { CLOUDFLARE_DNS_API_TOKEN: TOKEN });
    await expect(p.createTxt(FQDN, 'v', abortedSignal())).rejects.toThrow(/cancelled \(SIGINT\)/);
  });
});
