import { createVerify, generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, it } from '@jest/globals';
import { runConformance, type ConformanceHarness } from '../conformance.js';
import { createProvider } from '../registry.js';
import { startFakeHttp, type FakeHttp } from '../testing.js';
import { fromRrdata, toRrdata } from './index.js';
import { meta } from './meta.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const ACCESS = 'ya29.c.fake-access-token-Qw3rTy';
const FQDN = '_acme-challenge.www.example.com';

interface RRSet {
  name: string;
  type: string;
  ttl: number;
  rrdatas: string[];
}

/** Token endpoint plus Cloud DNS v1 (managedZones, rrsets, changes) with whole-set replace semantics. */
async function fakeGoogle() {
  const rrsets = new Map<string, RRSet>();
  const jwts: { header: Record<string, unknown>; claims: Record<string, unknown> }[] = [];
  let broken = false;
  let changeN = 0;
  const http = await startFakeHttp((req, url) => {
    if (broken)
      return {
        status: 500,
        body: { error: { message: `backend saw ${String(req.headers.authorization)}` } },
      };
    if (req.method === 'POST' && url.pathname === '/token') {
      const form = new URLSearchParams(String(req.body));
      const [h, c, s] = (form.get('assertion') ?? '').split('.');
      const ok = createVerify('RSA-SHA256')
        .update(`${h}.${c}`)
        .verify(publicKey, s ?? '', 'base64url');
      if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer' || !ok)
        return { status: 400, body: { error: 'invalid_grant' } };
      jwts.push({
        header: JSON.parse(Buffer.from(h!, 'base64url').toString()),
        claims: JSON.parse(Buffer.from(c!, 'base64url').toString()),
      });
      return { status: 200, body: { access_token: ACCESS, expires_in: 3599, token_type: 'Bearer' } };
    }
    if (req.headers.authorization !== `Bearer ${ACCESS}`)
      return {
        status: 401,
        body: { error: { code: 401, message: 'Request had invalid authentication credentials.' } },
      };
    const base = '/dns/v1/projects/proj-1/managedZones';
    if (req.method === 'GET' && url.pathname === base) {
      const dn = url.searchParams.get('dnsName');
      const zones = [
        { name: 'internal-example', dnsName: 'example.com.', visibility: 'private', nameServers: [] },
        {
          name: 'example-com',
          dnsName: 'example.com.',
          visibility: 'public',
          nameServers: ['ns-cloud-a1.googledomains.com.', 'ns-cloud-a2.googledomains.com.'],
        },
      ];
      return {
        status: 200,
        body: { kind: 'dns#managedZonesListResponse', managedZones: zones.filter((z) => z.dnsName === dn) },
      };
    }
    if (req.method === 'GET' && url.pathname === `${base}/example-com/rrsets`) {
      const r = rrsets.get(url.searchParams.get('name') ?? '');
      return {
        status: 200,
        body: {
          kind: 'dns#resourceRecordSetsListResponse',
          rrsets:
            r && r.type === url.searchParams.get('type') ? [{ kind: 'dns#resourceRecordSet', ...r }] : [],
        },
      };
    }
    if (req.method === 'POST' && url.pathname === `${base}/example-com/changes`) {
      const b = req.body as { additions: RRSet[]; deletions: RRSet[] };
      for (const d of b.deletions) {
        const cur = rrsets.get(d.name);
        if (!cur || JSON.stringify(cur.rrdatas) !== JSON.stringify(d.rrdatas) || cur.ttl !== d.ttl) {
          return { status: 412, body: { error: { code: 412, message: 'conditionNotMet' } } };
        }
        rrsets.delete(d.name);
      }
      for (const a of b.additions) {
        if (rrsets.has(a.name))
          return { status: 409, body: { error: { code: 409, message: 'alreadyExists' } } };
        rrsets.set(a.name, { name: a.name, type: a.type, ttl: a.ttl, rrdatas: a.rrdatas });
      }
      return { status: 200, body: { kind: 'dns#change', id: String(++changeN), status: 'done', ...b } };
    }
    return { status: 404, body: { error: { code: 404, message: 'not found' } } };
  });
  const sa = JSON.stringify({
    type: 'service_account',
    project_id: 'proj-1',
    private_key_id: 'kid-1',
    private_key: PEM,
    client_email: 'acme@proj-1.iam.gserviceaccount.com',
    token_uri: `${http.baseUrl}/token`,
  });
  return { http, rrsets, jwts, sa, breakIt: () => void (broken = true) };
}

async function harness(): Promise<ConformanceHarness> {
  const g = await fakeGoogle();
  return {
    meta,
    fqdn: FQDN,
    env: { GCE_SERVICE_ACCOUNT: g.sa },
    opts: { baseUrl: `${g.http.baseUrl}/dns/v1` },
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
    close: () => g.http.close(),
  };
}

runConformance('gcloud', harness);

describe('gcloud requests', () => {
  let http: FakeHttp;
  afterEach(() => http.close());

  it('signs a JWT for the DNS scope, then replaces the TXT set atomically, keeping the value already there', async () => {
    const g = await fakeGoogle();
    http = g.http;
    g.rrsets.set(FQDN + '.', { name: FQDN + '.', type: 'TXT', ttl: 300, rrdatas: ['"old"'] });
    const p = await createProvider(
      'gcloud',
      { GCE_SERVICE_ACCOUNT: g.sa },
      { baseUrl: `${http.baseUrl}/dns/v1` },
    );
    const h = await p.createTxt(FQDN, 'tok1');
    expect(h).toEqual({
      provider: 'gcloud',
      fqdn: FQDN,
      value: 'tok1',
      zone: 'example-com',
      preexisting: false,
    });
    await p.deleteTxt(h);
    expect(g.jwts).toHaveLength(1);
    expect(g.jwts[0]!.header).toEqual({ alg: 'RS256', typ: 'JWT', kid: 'kid-1' });
    expect(g.jwts[0]!.claims).toMatchObject({
      iss: 'acme@proj-1.iam.gserviceaccount.com',
      scope: 'https://www.googleapis.com/auth/ndev.clouddns.readwrite',
      aud: `${http.baseUrl}/token`,
    });
    const changes = http.requests.filter((r) => r.path.endsWith('/changes')).map((r) => r.body);
    const set = (rrdatas: string[]) => ({ name: FQDN + '.', type: 'TXT', ttl: 300, rrdatas });
    expect(changes).toEqual([
      { deletions: [set(['"old"'])], additions: [set(['"old"', '"tok1"'])] },
      { deletions: [set(['"old"', '"tok1"'])], additions: [set(['"old"'])] },
    ]);
    expect(g.rrsets.get(FQDN + '.')?.rrdatas).toEqual(['"old"']);
  });

  it('never deletes a value that was there before it', async () => {
    const g = await fakeGoogle();
    http = g.http;
    g.rrsets.set(FQDN + '.', { name: FQDN + '.', type: 'TXT', ttl: 300, rrdatas: ['"same"'] });
    const p = await createProvider(
      'gcloud',
      { GCE_SERVICE_ACCOUNT: g.sa },
      { baseUrl: `${http.baseUrl}/dns/v1` },
    );
    const h = await p.createTxt(FQDN, 'same');
    expect(h.preexisting).toBe(true);
    await p.deleteTxt(h);
    expect(g.rrsets.get(FQDN + '.')?.rrdatas).toEqual(['"same"']);
    expect(http.requests.filter((r) => r.path.endsWith('/changes'))).toHaveLength(0);
  });

  it('skips private zones and reports public nameservers', async () => {
    const g = await fakeGoogle();
    http = g.http;
    const p = await createProvider(
      'gcloud',
      { GCE_SERVICE_ACCOUNT: g.sa },
      { baseUrl: `${http.baseUrl}/dns/v1` },
    );
    expect(await p.zoneNameservers!(FQDN)).toEqual([
      'ns-cloud-a1.googledomains.com',
      'ns-cloud-a2.googledomains.com',
    ]);
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
