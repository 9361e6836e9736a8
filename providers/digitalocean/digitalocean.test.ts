import { describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { hangAll, jsonOf, useNock, type NockReply, fetchStyle } from '../__testing__/nock.test-helper.js';
import { abortedSignal, expectPromptCancel } from '../__testing__/cancel.test-helper.js';
import { runConformance, type ConformanceHarness } from '../conformance.js';
import { createProvider } from '../registry.js';
import { meta } from './meta.js';

useNock();

const API = 'https://api.digitalocean.com';
const TOKEN = 'dop_v1_4f1c2b3a9e8d7c6b5a4f3e2d1c0b9a8f';
const FQDN = '_acme-challenge.www.example.com';

interface Rec {
  id: number;
  type: string;
  name: string;
  data: string;
  ttl: number;
}

const notFound = { id: 'not_found', message: 'The resource you were accessing could not be found.' };
const domain = { domain: { name: 'example.com', ttl: 1800, zone_file: '$ORIGIN example.com.\n' } };
/** Documented domain_record shape: unused SRV/MX/CAA fields are null. */
const full = (r: Rec) => ({ ...r, priority: null, port: null, weight: null, flags: null, tag: null });

/** nock interceptors over an in-memory record store, shaped as the v2 API documents. */
function doBackend() {
  const records: Rec[] = [
    { id: 1, type: 'NS', name: '@', data: 'ns1.digitalocean.com', ttl: 1800 },
    { id: 2, type: 'NS', name: '@', data: 'ns2.digitalocean.com', ttl: 1800 },
  ];
  let next = 100;
  let broken = false;
  const guard = (req: Request): NockReply | undefined => {
    if (broken)
      return [500, { id: 'server_error', message: `token ${String(req.headers.get('authorization'))}` }];
    if (req.headers.get('authorization') !== `Bearer ${TOKEN}`)
      return [401, { id: 'unauthorized', message: 'Unable to authenticate you.' }];
    return undefined;
  };
  nock(API)
    .persist()
    .get(/^\/v2\/domains\/[^/]+$/)
    .reply(
      fetchStyle((req: Request): NockReply => {
        const name = new URL(req.url).pathname.split('/').pop();
        return guard(req) ?? (name === 'example.com' ? [200, domain] : [404, notFound]);
      }),
    )
    .get('/v2/domains/example.com/records')
    .query(true)
    .reply(
      fetchStyle((req: Request): NockReply => {
        const t = new URL(req.url).searchParams.get('type');
        const list = records.filter((r) => !t || r.type === t).map(full);
        return guard(req) ?? [200, { domain_records: list, links: {}, meta: { total: list.length } }];
      }),
    )
    .post('/v2/domains/example.com/records')
    .reply(
      fetchStyle(async (req: Request): Promise<NockReply> => {
        const g = guard(req);
        if (g) return g;
        const b = (await jsonOf(req)) as Omit<Rec, 'id'>;
        const rec: Rec = { id: next++, type: b.type, name: b.name, data: b.data, ttl: b.ttl };
        records.push(rec);
        return [201, { domain_record: full(rec) }];
      }),
    )
    .delete(/^\/v2\/domains\/example\.com\/records\/\d+$/)
    .reply(
      fetchStyle((req: Request): NockReply => {
        const g = guard(req);
        if (g) return g;
        const id = Number(new URL(req.url).pathname.split('/').pop());
        const i = records.findIndex((r) => r.id === id);
        if (i < 0) return [404, notFound];
        records.splice(i, 1);
        return [204];
      }),
    );
  return { records, breakIt: () => void (broken = true) };
}

const rel = (fqdn: string) => fqdn.replace(/\.?example\.com$/, '') || '@';

async function harness(): Promise<ConformanceHarness> {
  const b = doBackend();
  let seedId = 10;
  return {
    meta,
    fqdn: FQDN,
    env: { DO_AUTH_TOKEN: TOKEN },
    values: (n) => b.records.filter((r) => r.type === 'TXT' && r.name === rel(n)).map((r) => r.data),
    seed: (n, v) => void b.records.push({ id: seedId++, type: 'TXT', name: rel(n), data: v, ttl: 300 }),
    breakBackend: b.breakIt,
    close: async () => void nock.cleanAll(),
  };
}

runConformance('digitalocean', harness);

describe('digitalocean requests (nock, api.digitalocean.com)', () => {
  const auth = { reqheaders: { authorization: `Bearer ${TOKEN}` } };

  it('finds the domain, POSTs a relative TXT record and DELETEs exactly that id', async () => {
    const rec: Rec = { id: 3352896, type: 'TXT', name: '_acme-challenge.www', data: 'tok1', ttl: 30 };
    const scope = nock(API, auth)
      .get(`/v2/domains/${FQDN}`)
      .reply(404, notFound)
      .get('/v2/domains/www.example.com')
      .reply(404, notFound)
      .get('/v2/domains/example.com')
      .reply(200, domain)
      .post('/v2/domains/example.com/records', {
        type: 'TXT',
        name: '_acme-challenge.www',
        data: 'tok1',
        ttl: 30,
      })
      .matchHeader('content-type', 'application/json')
      .reply(201, { domain_record: full(rec) })
      .delete('/v2/domains/example.com/records/3352896')
      .reply(204);
    const p = await createProvider('digitalocean', { DO_AUTH_TOKEN: TOKEN });
    const h = await p.createTxt(FQDN, 'tok1');
    expect(h).toEqual({
      provider: 'digitalocean',
      fqdn: FQDN,
      value: 'tok1',
      domain: 'example.com',
      recordId: 3352896,
    });
    await p.deleteTxt(h);
    expect(scope.isDone()).toBe(true);
  });

  it('puts an apex name as "@" and honours DO_TTL', async () => {
    const scope = nock(API, auth)
      .get('/v2/domains/example.com')
      .reply(200, domain)
      .post('/v2/domains/example.com/records', { type: 'TXT', name: '@', data: 'v', ttl: 60 })
      .reply(201, { domain_record: full({ id: 7, type: 'TXT', name: '@', data: 'v', ttl: 60 }) });
    const p = await createProvider('digitalocean', { DO_AUTH_TOKEN: TOKEN, DO_TTL: '60' });
    await p.createTxt('example.com', 'v');
    expect(scope.isDone()).toBe(true);
  });

  it('lists apex NS records as the zone nameservers', async () => {
    const scope = nock(API, auth)
      .get('/v2/domains/_acme-challenge.example.com')
      .reply(404, notFound)
      .get('/v2/domains/example.com')
      .reply(200, domain)
      .get('/v2/domains/example.com/records')
      .query({ type: 'NS', per_page: '200' })
      .reply(200, {
        domain_records: [
          full({ id: 1, type: 'NS', name: '@', data: 'ns1.digitalocean.com', ttl: 1800 }),
          full({ id: 2, type: 'NS', name: 'sub', data: 'ns.elsewhere.example', ttl: 1800 }),
        ],
        links: {},
        meta: { total: 2 },
      });
    const p = await createProvider('digitalocean', { DO_AUTH_TOKEN: TOKEN });
    expect(await p.zoneNameservers!('_acme-challenge.example.com')).toEqual(['ns1.digitalocean.com']);
    expect(scope.isDone()).toBe(true);
  });

  it('a rejected token is an HTTP error without the token', async () => {
    nock(API)
      .get('/v2/domains/example.com')
      .reply(401, { id: 'unauthorized', message: 'Unable to authenticate you.' });
    const p = await createProvider('digitalocean', { DO_AUTH_TOKEN: 'dop_v1_wrongwrongwrong' });
    const err = (await p.createTxt('example.com', 'v').catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/HTTP 401: .*Unable to authenticate you/);
    expect(err.message).not.toContain('dop_v1_wrongwrongwrong');
  });

  it('says clearly when no domain matches', async () => {
    nock(API, auth).get('/v2/domains/_acme-challenge.other.org').reply(404, notFound);
    nock(API, auth).get('/v2/domains/other.org').reply(404, notFound);
    const p = await createProvider('digitalocean', { DO_AUTH_TOKEN: TOKEN });
    await expect(p.createTxt('_acme-challenge.other.org', 'v')).rejects.toThrow(
      'no DigitalOcean domain in this account contains _acme-challenge.other.org',
    );
  });
});

describe('digitalocean: cancellation', () => {
  it('an abort stops a pending create, delete or nameserver lookup at once, naming the request', async () => {
    hangAll(API);
    const p = await createProvider('digitalocean', { DO_AUTH_TOKEN: TOKEN });
    const e = await expectPromptCancel((signal) => p.createTxt(FQDN, 'v', signal), [TOKEN]);
    expect(e.message).toContain(`GET ${API}/`);
    await expectPromptCancel(
      (signal) =>
        p.deleteTxt(
          { provider: 'digitalocean', fqdn: FQDN, value: 'v', domain: 'example.com', recordId: 7 },
          signal,
        ),
      [TOKEN],
    );
    await expectPromptCancel((signal) => p.zoneNameservers!(FQDN, signal), [TOKEN]);
  });

  it('an already aborted signal sends nothing (no interceptor, nothing unmatched)', async () => {
    const p = await createProvider('digitalocean', { DO_AUTH_TOKEN: TOKEN });
    await expect(p.createTxt(FQDN, 'v', abortedSignal())).rejects.toThrow(/cancelled \(SIGINT\)/);
  });
});
