import { describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { hangAll, jsonOf, useNock, type NockReply, fetchStyle } from '../__testing__/nock.test-helper.js';
import { abortedSignal, expectPromptCancel } from '../__testing__/cancel.test-helper.js';
import { runConformance, type ConformanceHarness } from '../conformance.js';
import { createProvider } from '../registry.js';
import { meta } from './meta.js';

useNock();

const API = 'https://dns.hetzner.com';
const TOKEN = 'hz-Kp29sLx0vQ7mW4nB8cR1tY5u';
const ZONE_ID = 'HBT3Ywy5yUBbWMrq2oFGAm';
const FQDN = '_acme-challenge.www.example.com';
const NS = ['hydrogen.ns.hetzner.com', 'oxygen.ns.hetzner.com', 'helium.ns.hetzner.de'];

interface Rec {
  id: string;
  type: string;
  name: string;
  value: string;
  zone_id: string;
  ttl?: number;
}

const zone = {
  id: ZONE_ID,
  name: 'example.com',
  ttl: 86400,
  registrar: '',
  legacy_dns_host: '',
  legacy_ns: [],
  ns: NS,
  created: '2026-01-01 00:00:00.000 +0000 UTC',
  verified: '2026-01-01 00:00:00.000 +0000 UTC',
  modified: '2026-01-01 00:00:00.000 +0000 UTC',
  project: '',
  owner: '',
  permission: '',
  zone_type: { id: '', name: '', description: '', prices: null },
  status: 'verified',
  paused: false,
  is_secondary_dns: false,
  txt_verification: { name: '', token: '' },
  records_count: 2,
};
const zones = (list: unknown[]) => ({
  zones: list,
  meta: { pagination: { page: 1, per_page: 100, last_page: 1, total_entries: list.length } },
});
const zoneNotFound = { zones: [], error: { message: 'zone not found', code: 404 } };
const stamp = { created: '2026-01-01 00:00:00.000 +0000 UTC', modified: '2026-01-01 00:00:00.000 +0000 UTC' };

/** nock interceptors over an in-memory record store, shaped as the dns.hetzner.com v1 API documents. */
function hetznerBackend() {
  const records: Rec[] = [];
  let next = 1;
  let broken = false;
  const guard = (req: Request): NockReply | undefined => {
    const token = req.headers.get('auth-api-token');
    if (broken) return [500, { error: { message: `token was ${String(token)}`, code: 500 } }];
    if (token !== TOKEN) return [401, { message: 'Invalid authentication credentials' }];
    return undefined;
  };
  nock(API)
    .persist()
    .get('/api/v1/zones')
    .query(true)
    .reply(
      fetchStyle((req: Request): NockReply => {
        const name = new URL(req.url).searchParams.get('name');
        return guard(req) ?? (name === 'example.com' ? [200, zones([zone])] : [404, zoneNotFound]);
      }),
    )
    .post('/api/v1/records')
    .reply(
      fetchStyle(async (req: Request): Promise<NockReply> => {
        const g = guard(req);
        if (g) return g;
        const b = (await jsonOf(req)) as Omit<Rec, 'id'>;
        if (b.zone_id !== ZONE_ID) return [422, { error: { message: 'invalid zone', code: 422 } }];
        const rec: Rec = { id: `r${next++}`, ...b };
        records.push(rec);
        return [200, { record: { ...rec, ...stamp } }];
      }),
    )
    .delete(/^\/api\/v1\/records\/\w+$/)
    .reply(
      fetchStyle((req: Request): NockReply => {
        const g = guard(req);
        if (g) return g;
        const id = new URL(req.url).pathname.split('/').pop();
        const i = records.findIndex((r) => r.id === id);
        if (i < 0) return [404, { error: { message: 'record not found', code: 404 } }];
        records.splice(i, 1);
        return [200];
      }),
    );
  return { records, breakIt: () => void (broken = true) };
}

const rel = (fqdn: string) => fqdn.replace(/\.?example\.com$/, '') || '@';

async function harness(): Promise<ConformanceHarness> {
  const b = hetznerBackend();
  let s = 0;
  return {
    meta,
    fqdn: FQDN,
    env: { HETZNER_API_KEY: TOKEN },
    values: (n) => b.records.filter((r) => r.type === 'TXT' && r.name === rel(n)).map((r) => r.value),
    seed: (n, v) =>
      void b.records.push({ id: `seed${s++}`, type: 'TXT', name: rel(n), value: v, zone_id: ZONE_ID }),
    breakBackend: b.breakIt,
    close: async () => void nock.cleanAll(),
  };
}

runConformance('hetzner', harness);

describe('hetzner requests (nock, dns.hetzner.com)', () => {
  const auth = { reqheaders: { 'Auth-API-Token': TOKEN } };

  it('finds the zone, POSTs a relative TXT record with zone_id and DELETEs exactly that id', async () => {
    const scope = nock(API, auth)
      .get('/api/v1/zones')
      .query({ name: FQDN })
      .reply(404, zoneNotFound)
      .get('/api/v1/zones')
      .query({ name: 'www.example.com' })
      .reply(404, zoneNotFound)
      .get('/api/v1/zones')
      .query({ name: 'example.com' })
      .reply(200, zones([zone]))
      .post('/api/v1/records', {
        value: 'tok1',
        ttl: 60,
        type: 'TXT',
        name: '_acme-challenge.www',
        zone_id: ZONE_ID,
      })
      .matchHeader('content-type', 'application/json')
      .reply(200, {
        record: {
          type: 'TXT',
          id: '7b4c9a5e1d2f3a4b',
          zone_id: ZONE_ID,
          name: '_acme-challenge.www',
          value: 'tok1',
          ttl: 60,
          ...stamp,
        },
      })
      .delete('/api/v1/records/7b4c9a5e1d2f3a4b')
      .reply(200);
    const p = await createProvider('hetzner', { HETZNER_API_KEY: TOKEN }, { ttl: 60 });
    const h = await p.createTxt(FQDN, 'tok1');
    expect(h).toEqual({
      provider: 'hetzner',
      fqdn: FQDN,
      value: 'tok1',
      zoneId: ZONE_ID,
      recordId: '7b4c9a5e1d2f3a4b',
    });
    await p.deleteTxt(h);
    expect(scope.isDone()).toBe(true);
  });

  it('reports the zone nameservers', async () => {
    const scope = nock(API, auth)
      .get('/api/v1/zones')
      .query({ name: 'example.com' })
      .reply(200, zones([zone]));
    const p = await createProvider('hetzner', { HETZNER_API_KEY: TOKEN });
    expect(await p.zoneNameservers!('example.com')).toEqual(NS);
    expect(scope.isDone()).toBe(true);
  });

  it('a rejected token is an HTTP error without the token, and a missing zone is named', async () => {
    nock(API, { reqheaders: { 'Auth-API-Token': 'hz-wrong-wrong-wrong' } })
      .get('/api/v1/zones')
      .query({ name: 'example.com' })
      .reply(401, { message: 'Invalid authentication credentials' });
    const bad = await createProvider('hetzner', { HETZNER_API_KEY: 'hz-wrong-wrong-wrong' });
    const err = (await bad.createTxt('example.com', 'v').catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/HTTP 401: .*Invalid authentication credentials/);
    expect(err.message).not.toContain('hz-wrong-wrong-wrong');

    nock(API, auth).get('/api/v1/zones').query({ name: 'other.org' }).reply(404, zoneNotFound);
    const p = await createProvider('hetzner', { HETZNER_API_KEY: TOKEN });
    await expect(p.createTxt('other.org', 'v')).rejects.toThrow(
      'no Hetzner DNS zone in this account contains other.org',
    );
  });
});

describe('hetzner: cancellation', () => {
  it('an abort stops a pending create, delete or nameserver lookup at once, naming the request', async () => {
    hangAll(API);
    const p = await createProvider('hetzner', { HETZNER_API_KEY: TOKEN });
    const e = await expectPromptCancel((signal) => p.createTxt(FQDN, 'v', signal), [TOKEN]);
    expect(e.message).toContain(`GET ${API}/`);
    await expectPromptCancel(
      (signal) =>
        p.deleteTxt({ provider: 'hetzner', fqdn: FQDN, value: 'v', zoneId: ZONE_ID, recordId: 'r1' }, signal),
      [TOKEN],
    );
    await expectPromptCancel((signal) => p.zoneNameservers!(FQDN, signal), [TOKEN]);
  });

  it('an already aborted signal sends nothing (no interceptor, nothing unmatched)', async () => {
    const p = await createProvider('hetzner', { HETZNER_API_KEY: TOKEN });
    await expect(p.createTxt(FQDN, 'v', abortedSignal())).rejects.toThrow(/cancelled \(SIGINT\)/);
  });
});
