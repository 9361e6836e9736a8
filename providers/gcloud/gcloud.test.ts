import { createVerify, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { jsonOf, hangAll, useNock, type NockReply, fetchStyle } from '../__testing__/nock.test-helper.js';
import { expectPromptCancel } from '../__testing__/cancel.test-helper.js';
import { runConformance, type ConformanceHarness } from '../conformance.js';
import { createProvider } from '../registry.js';
import { fromRrdata, toRrdata } from './index.js';
import { meta } from './meta.js';

useNock();

const DNS = 'https://dns.googleapis.com';
const OAUTH = 'https://oauth2.googleapis.com';
const ZONES = '/dns/v1/projects/proj-1/managedZones';
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const ACCESS = 'ya29.c.fake-access-token-Qw3rTy';
const FQDN = '_acme-challenge.www.example.com';
/** A service-account key file as the console downloads it. */
const SA = JSON.stringify({
  type: 'service_account',
  project_id: 'proj-1',
  private_key_id: 'kid-1',
  private_key: PEM,
  client_email: 'acme@proj-1.iam.gserviceaccount.com',
  client_id: '113322114455667788990',
  auth_uri: 'https://accounts.google.com/o/oauth2/auth',
  token_uri: 'https://oauth2.googleapis.com/token',
});

/** A type alias, not an interface, so it also fits nock's body-matcher type. */
type RRSet = {
  name: string;
  type: string;
  ttl: number;
  rrdatas: string[];
};

const PUBLIC_ZONE = {
  kind: 'dns#managedZone',
  name: 'example-com',
  dnsName: 'example.com.',
  description: '',
  id: '5012345678901234567',
  nameServers: ['ns-cloud-a1.googledomains.com.', 'ns-cloud-a2.googledomains.com.'],
  creationTime: '2026-01-01T00:00:00.000Z',
  visibility: 'public',
};
const PRIVATE_ZONE = {
  ...PUBLIC_ZONE,
  name: 'internal-example',
  id: '6012345678901234567',
  nameServers: ['ns-gcp-private.googledomains.com.'],
  visibility: 'private',
};
const zoneList = (managedZones: unknown[]) => ({ kind: 'dns#managedZonesListResponse', managedZones });
const rrsetList = (rrsets: RRSet[]) => ({
  kind: 'dns#resourceRecordSetsListResponse',
  rrsets: rrsets.map((r) => ({ kind: 'dns#resourceRecordSet', ...r })),
});
const tokenReply = { access_token: ACCESS, expires_in: 3599, token_type: 'Bearer' };

/** Decodes and verifies the RFC 7523 assertion of a token request. */
function readAssertion(form: string) {
  const f = new URLSearchParams(form);
  const [h, c, s] = (f.get('assertion') ?? '').split('.');
  const valid = createVerify('RSA-SHA256')
    .update(`${h}.${c}`)
    .verify(publicKey, s ?? '', 'base64url');
  return {
    grantType: f.get('grant_type'),
    valid,
    header: JSON.parse(Buffer.from(h ?? '', 'base64url').toString()) as Record<string, unknown>,
    claims: JSON.parse(Buffer.from(c ?? '', 'base64url').toString()) as Record<string, unknown>,
  };
}

/** Token endpoint plus Cloud DNS v1 (managedZones, rrsets, changes) with whole-set replace semantics. */
function googleBackend() {
  const rrsets = new Map<string, RRSet>();
  let broken = false;
  let changeN = 0;
  const fail = (req: Request): NockReply => [
    500,
    { error: { code: 500, message: `backend saw ${String(req.headers.get('authorization'))}` } },
  ];
  const guard = (req: Request): NockReply | undefined => {
    if (broken) return fail(req);
    if (req.headers.get('authorization') !== `Bearer ${ACCESS}`)
      return [401, { error: { code: 401, message: 'Request had invalid authentication credentials.' } }];
    return undefined;
  };
  nock(OAUTH)
    .persist()
    .post('/token')
    .reply(
      fetchStyle(async (req: Request): Promise<NockReply> => {
        if (broken) return fail(req);
        const a = readAssertion(await req.text());
        if (a.grantType !== 'urn:ietf:params:oauth:grant-type:jwt-bearer' || !a.valid)
          return [400, { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' }];
        return [200, tokenReply];
      }),
    );
  nock(DNS)
    .persist()
    .get(ZONES)
    .query(true)
    .reply(
      fetchStyle((req: Request): NockReply => {
        const dn = new URL(req.url).searchParams.get('dnsName');
        return guard(req) ?? [200, zoneList([PRIVATE_ZONE, PUBLIC_ZONE].filter((z) => z.dnsName === dn))];
      }),
    )
    .get(`${ZONES}/example-com/rrsets`)
    .query(true)
    .reply(
      fetchStyle((req: Request): NockReply => {
        const q = new URL(req.url).searchParams;
        const r = rrsets.get(q.get('name') ?? '');
        return guard(req) ?? [200, rrsetList(r && r.type === q.get('type') ? [r] : [])];
      }),
    )
    .post(`${ZONES}/example-com/changes`)
    .reply(
      fetchStyle(async (req: Request): Promise<NockReply> => {
        const g = guard(req);
        if (g) return g;
        const b = (await jsonOf(req)) as { additions: RRSet[]; deletions: RRSet[] };
        for (const d of b.deletions) {
          const cur = rrsets.get(d.name);
          if (!cur || JSON.stringify(cur.rrdatas) !== JSON.stringify(d.rrdatas) || cur.ttl !== d.ttl)
            return [412, { error: { code: 412, message: 'Precondition not met for entity' } }];
          rrsets.delete(d.name);
        }
        for (const a of b.additions) {
          if (rrsets.has(a.name)) return [409, { error: { code: 409, message: 'alreadyExists' } }];
          rrsets.set(a.name, { name: a.name, type: a.type, ttl: a.ttl, rrdatas: a.rrdatas });
        }
        const id = String(++changeN);
        return [200, { kind: 'dns#change', id, status: 'done', startTime: '2026-01-01T00:00:00Z', ...b }];
      }),
    );
  return { rrsets, breakIt: () => void (broken = true) };
}

async function harness(): Promise<ConformanceHarness> {
  const g = googleBackend();
  return {
    meta,
    fqdn: FQDN,
    env: { GCE_SERVICE_ACCOUNT: SA },
    values: (n) => (g.rrsets.get(n + '.')?.rrdatas ?? []).map(fromRrdata),
    seed: (n, v) => {
      const cur = g.rrsets.get(n + '.');
      g.rrsets.set(n + '.', {
        name: n + '.',
        type: 'TXT',
        ttl: cur?.ttl ?? 300,
        rrdatas: [...(cur?.rrdatas ?? []), toRrdata(v)],
      });
    },
    breakBackend: g.breakIt,
    secrets: [PEM.split('\n')[5]!, ACCESS],
    close: async () => void nock.cleanAll(),
  };
}

runConformance('gcloud', harness);

describe('gcloud requests (nock, oauth2.googleapis.com + dns.googleapis.com)', () => {
  const bearer = { reqheaders: { authorization: `Bearer ${ACCESS}` } };
  const set = (rrdatas: string[]): RRSet => ({ name: FQDN + '.', type: 'TXT', ttl: 300, rrdatas });

  it('exchanges a signed JWT for a token, then replaces the TXT set atomically, keeping the value already there', async () => {
    const forms: string[] = [];
    const oauth = nock(OAUTH)
      .post('/token')
      .matchHeader('content-type', 'application/x-www-form-urlencoded')
      .reply(
        fetchStyle(async (req: Request): Promise<NockReply> => {
          forms.push(await req.text());
          return [200, tokenReply];
        }),
      );
    const dns = nock(DNS, bearer)
      .get(ZONES)
      .query({ dnsName: `${FQDN}.` })
      .reply(200, zoneList([]))
      .get(ZONES)
      .query({ dnsName: 'www.example.com.' })
      .reply(200, zoneList([]))
      .get(ZONES)
      .query({ dnsName: 'example.com.' })
      .reply(200, zoneList([PRIVATE_ZONE, PUBLIC_ZONE]))
      .get(`${ZONES}/example-com/rrsets`)
      .query({ name: `${FQDN}.`, type: 'TXT' })
      .reply(200, rrsetList([set(['"old"'])]))
      .post(`${ZONES}/example-com/changes`, {
        additions: [set(['"old"', '"tok1"'])],
        deletions: [set(['"old"'])],
      })
      .reply(200, {
        kind: 'dns#change',
        id: '7',
        status: 'done',
        startTime: '2026-01-01T00:00:00Z',
        additions: [set(['"old"', '"tok1"'])],
        deletions: [set(['"old"'])],
      })
      .get(`${ZONES}/example-com/rrsets`)
      .query({ name: `${FQDN}.`, type: 'TXT' })
      .reply(200, rrsetList([set(['"old"', '"tok1"'])]))
      .post(`${ZONES}/example-com/changes`, {
        additions: [set(['"old"'])],
        deletions: [set(['"old"', '"tok1"'])],
      })
      .reply(200, { kind: 'dns#change', id: '8', status: 'done', startTime: '2026-01-01T00:00:01Z' });

    const p = await createProvider('gcloud', { GCE_SERVICE_ACCOUNT: SA });
    const h = await p.createTxt(FQDN, 'tok1');
    expect(h).toEqual({
      provider: 'gcloud',
      fqdn: FQDN,
      value: 'tok1',
      zone: 'example-com',
      preexisting: false,
    });
    await p.deleteTxt(h);
    expect(oauth.isDone()).toBe(true);
    expect(dns.isDone()).toBe(true);

    expect(forms).toHaveLength(1);
    const a = readAssertion(forms[0]!);
    expect(a.grantType).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    expect(a.valid).toBe(true);
    expect(a.header).toEqual({ alg: 'RS256', typ: 'JWT', kid: 'kid-1' });
    expect(a.claims).toMatchObject({
      iss: 'acme@proj-1.iam.gserviceaccount.com',
      scope: 'https://www.googleapis.com/auth/ndev.clouddns.readwrite',
      aud: 'https://oauth2.googleapis.com/token',
    });
    expect(Number(a.claims.exp) - Number(a.claims.iat)).toBe(3600);
  });

  it('waits for a pending change with GET changes/:id', async () => {
    nock(OAUTH).post('/token').reply(200, tokenReply);
    const dns = nock(DNS, bearer)
      .get(ZONES)
      .query({ dnsName: 'example.com.' })
      .reply(200, zoneList([PUBLIC_ZONE]))
      .get(`${ZONES}/example-com/rrsets`)
      .query({ name: 'example.com.', type: 'TXT' })
      .reply(200, rrsetList([]))
      .post(`${ZONES}/example-com/changes`, {
        additions: [{ name: 'example.com.', type: 'TXT', ttl: 120, rrdatas: ['"v"'] }],
        deletions: [],
      })
      .reply(200, { kind: 'dns#change', id: '9', status: 'pending', startTime: '2026-01-01T00:00:00Z' })
      .get(`${ZONES}/example-com/changes/9`)
      .reply(200, { kind: 'dns#change', id: '9', status: 'done', startTime: '2026-01-01T00:00:00Z' });
    const p = await createProvider('gcloud', { GCE_SERVICE_ACCOUNT: SA });
    await p.createTxt('example.com', 'v');
    expect(dns.isDone()).toBe(true);
  });

  it('never deletes a value that was there before it', async () => {
    nock(OAUTH).post('/token').reply(200, tokenReply);
    const dns = nock(DNS, bearer)
      .get(ZONES)
      .query({ dnsName: 'example.com.' })
      .reply(200, zoneList([PUBLIC_ZONE]))
      .get(`${ZONES}/example-com/rrsets`)
      .query({ name: 'example.com.', type: 'TXT' })
      .reply(200, rrsetList([{ name: 'example.com.', type: 'TXT', ttl: 300, rrdatas: ['"same"'] }]));
    const p = await createProvider('gcloud', { GCE_SERVICE_ACCOUNT: SA });
    const h = await p.createTxt('example.com', 'same');
    expect(h.preexisting).toBe(true);
    // No interceptor is left: a change request from either call would fail the test.
    await p.deleteTxt(h);
    expect(dns.isDone()).toBe(true);
  });

  it('skips private zones and reports public nameservers', async () => {
    nock(OAUTH).post('/token').reply(200, tokenReply);
    nock(DNS, bearer)
      .get(ZONES)
      .query({ dnsName: 'example.com.' })
      .reply(200, zoneList([PRIVATE_ZONE, PUBLIC_ZONE]));
    const p = await createProvider('gcloud', { GCE_SERVICE_ACCOUNT: SA });
    expect(await p.zoneNameservers!('example.com')).toEqual([
      'ns-cloud-a1.googledomains.com',
      'ns-cloud-a2.googledomains.com',
    ]);
  });

  it('a refused token exchange is an error without the key or the assertion', async () => {
    let assertion = '';
    nock(OAUTH)
      .post('/token')
      .reply(
        fetchStyle(async (req: Request): Promise<NockReply> => {
          assertion = new URLSearchParams(await req.text()).get('assertion') ?? '';
          return [400, { error: 'invalid_grant', error_description: `Invalid JWT: ${assertion}` }];
        }),
      );
    const p = await createProvider('gcloud', { GCE_SERVICE_ACCOUNT: SA });
    const err = (await p.zoneNameservers!('example.com').catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/token request for acme@proj-1\.iam\.gserviceaccount\.com returned HTTP 400/);
    expect(assertion.length).toBeGreaterThan(100);
    expect(err.message).not.toContain(assertion);
    expect(err.message).not.toContain(PEM.split('\n')[5]!);
  });

  it('quotes and splits TXT rrdata as Cloud DNS expects', () => {
    expect(toRrdata('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(fromRrdata(toRrdata('a"b\\c'))).toBe('a"b\\c');
    const long = 'y'.repeat(300);
    expect(toRrdata(long)).toBe(`"${'y'.repeat(255)}" "${'y'.repeat(45)}"`);
    expect(fromRrdata(toRrdata(long))).toBe(long);
  });

  it('rejects a key file that is not JSON without echoing it', async () => {
    const bad = 'not-json-SECRETSTUFF';
    const err = (await createProvider('gcloud', { GCE_SERVICE_ACCOUNT: bad }).catch(
      (e: unknown) => e,
    )) as Error;
    expect(err.message).toBe('Google Cloud DNS: GCE_SERVICE_ACCOUNT is not valid JSON');
  });
});

describe('gcloud: cancellation', () => {
  const secrets = [PEM.split('\n')[5]!, ACCESS];

  it('an abort stops a pending token request at once', async () => {
    hangAll(OAUTH);
    const p = await createProvider('gcloud', { GCE_SERVICE_ACCOUNT: SA });
    const e = await expectPromptCancel((signal) => p.createTxt(FQDN, 'v', signal), secrets);
    expect(e.message).toContain('token request to https://oauth2.googleapis.com/token');
  });

  it("an abort stops the wait for a pending change (Cloud DNS's own poll)", async () => {
    let polls = 0;
    nock(OAUTH).persist().post('/token').reply(200, tokenReply);
    nock(DNS)
      .persist()
      .get(ZONES)
      .query(true)
      .reply(200, zoneList([PUBLIC_ZONE]))
      .get(`${ZONES}/example-com/rrsets`)
      .query(true)
      .reply(200, rrsetList([]))
      .post(`${ZONES}/example-com/changes`)
      .reply(200, { kind: 'dns#change', id: '7', status: 'pending' })
      .get(`${ZONES}/example-com/changes/7`)
      .reply(() => {
        polls++;
        return [200, { kind: 'dns#change', id: '7', status: 'pending' }];
      });
    const p = await createProvider('gcloud', { GCE_SERVICE_ACCOUNT: SA });
    const e = await expectPromptCancel((signal) => p.createTxt(FQDN, 'v', signal), secrets, {
      afterMs: 800,
      withinMs: 300,
    });
    expect(e.message).toMatch(/change(s\/)?\s?7/);
    expect(polls).toBeGreaterThanOrEqual(1);
  });
});
