import { describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { hangAll, useNock, type NockReply, fetchStyle } from '../__testing__/nock.test-helper.js';
import { expectPromptCancel } from '../__testing__/cancel.test-helper.js';
import { runConformance, type ConformanceHarness } from '../conformance.js';
import { createProvider } from '../registry.js';
import { ProviderConfigError, ProviderError } from '../types.js';
import { clientConfig, fromTxtValue, toTxtValue } from './index.js';
import { meta } from './meta.js';

useNock();

const API = 'https://route53.amazonaws.com';
const NS_XML = 'https://route53.amazonaws.com/doc/2013-04-01/';
const KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const SESSION = 'FwoGZXIvYXdzEXAMPLEsessionTOKEN0123456789';
const ENV = { AWS_ACCESS_KEY_ID: KEY_ID, AWS_SECRET_ACCESS_KEY: SECRET, AWS_SESSION_TOKEN: SESSION };
const ZONE_ID = 'Z1D633PJN98FT9';
const FQDN = '_acme-challenge.www.example.com';
const NAMESERVERS = [
  'ns-2048.awsdns-64.com',
  'ns-2049.awsdns-65.net',
  'ns-2050.awsdns-66.org',
  'ns-2051.awsdns-67.co.uk',
];

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const unesc = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#x([0-9a-f]+);/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16)))
    .replace(/&amp;/g, '&');
const xml = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;
const XML_HEADERS = { 'content-type': 'text/xml' };

interface Zone {
  id: string;
  name: string;
  private: boolean;
}
interface RRSet {
  name: string;
  type: string;
  ttl: number;
  values: string[];
}

const ZONES: Zone[] = [
  { id: ZONE_ID, name: 'example.com.', private: false },
  { id: 'Z3PRIVATEEXAMPLE', name: 'example.com.', private: true },
  { id: 'Z2EXAMPLENET', name: 'example.net.', private: false },
];

/** Route 53 lists in DNS order: labels reversed ("com.example.www."). */
const sortKey = (name: string) => name.replace(/\.$/, '').split('.').reverse().join('.');

const hostedZoneXml = (z: Zone) =>
  `<HostedZone><Id>/hostedzone/${z.id}</Id><Name>${z.name}</Name><CallerReference>ref-${z.id}</CallerReference>` +
  `<Config><Comment></Comment><PrivateZone>${z.private}</PrivateZone></Config>` +
  `<ResourceRecordSetCount>3</ResourceRecordSetCount></HostedZone>`;

/** ListHostedZonesByName: zones from dnsname on, in order, maxitems of them (API reference). */
function listZonesXml(zones: Zone[], dnsName: string, max: number): string {
  const from = [...zones]
    .sort((a, b) => sortKey(a.name).localeCompare(sortKey(b.name)))
    .filter((z) => sortKey(z.name) >= sortKey(dnsName));
  return xml(
    `<ListHostedZonesByNameResponse xmlns="${NS_XML}"><HostedZones>${from.slice(0, max).map(hostedZoneXml).join('')}</HostedZones>` +
      `<DNSName>${dnsName}.</DNSName><IsTruncated>${from.length > max}</IsTruncated><MaxItems>${max}</MaxItems></ListHostedZonesByNameResponse>`,
  );
}

const rrsetXml = (r: RRSet) =>
  `<ResourceRecordSet><Name>${r.name}</Name><Type>${r.type}</Type><TTL>${r.ttl}</TTL><ResourceRecords>` +
  r.values.map((v) => `<ResourceRecord><Value>${esc(v)}</Value></ResourceRecord>`).join('') +
  `</ResourceRecords></ResourceRecordSet>`;

/** ListResourceRecordSets: record sets from (name, type) on, in order (API reference). */
function listRrsetsXml(sets: RRSet[], name: string, type: string, max: number): string {
  const k = (r: { name: string; type: string }) => `${sortKey(r.name)} ${r.type}`;
  const from = [...sets].sort((a, b) => k(a).localeCompare(k(b))).filter((r) => k(r) >= k({ name, type }));
  return xml(
    `<ListResourceRecordSetsResponse xmlns="${NS_XML}"><ResourceRecordSets>${from.slice(0, max).map(rrsetXml).join('')}</ResourceRecordSets>` +
      `<IsTruncated>false</IsTruncated><MaxItems>${max}</MaxItems></ListResourceRecordSetsResponse>`,
  );
}

const changeInfoXml = (root: string, id: string, status: 'PENDING' | 'INSYNC') =>
  xml(
    `<${root} xmlns="${NS_XML}"><ChangeInfo><Id>/change/${id}</Id><Status>${status}</Status>` +
      `<SubmittedAt>2026-11-23T10:00:00.000Z</SubmittedAt><Comment>acme-preflight dns-01</Comment></ChangeInfo></${root}>`,
  );

const errorXml = (code: string, message: string) =>
  xml(
    `<ErrorResponse xmlns="${NS_XML}"><Error><Type>Sender</Type><Code>${code}</Code>` +
      `<Message>${esc(message)}</Message></Error><RequestId>b25f48e8-84fd-11e6-80d9-574e0c4664cb</RequestId></ErrorResponse>`,
  );

/** The change batch the SDK sends (POST /2013-04-01/hostedzone/{Id}/rrset), as Route 53 documents it. */
function changeBatchXml(action: string, name: string, ttl: number, values: string[]): string {
  const records = values.map((v) => `<ResourceRecord><Value>${esc(v)}</Value></ResourceRecord>`).join('');
  return (
    `<?xml version="1.0" encoding="UTF-8"?><ChangeResourceRecordSetsRequest xmlns="${NS_XML}"><ChangeBatch><Changes><Change>` +
    `<Action>${action}</Action><ResourceRecordSet><Name>${name}</Name><Type>TXT</Type><TTL>${ttl}</TTL>` +
    `<ResourceRecords>${records}</ResourceRecords></ResourceRecordSet></Change></Changes>` +
    `<Comment>acme-preflight dns-01</Comment></ChangeBatch></ChangeResourceRecordSetsRequest>`
  );
}

/** Reads the changes out of a ChangeResourceRecordSetsRequest body. */
function parseChanges(body: string): { action: string; set: RRSet }[] {
  return [...body.matchAll(/<Change>([\s\S]*?)<\/Change>/g)].map((m) => {
    const c = m[1]!;
    const tag = (t: string) => unesc(new RegExp(`<${t}>([\\s\\S]*?)</${t}>`).exec(c)?.[1] ?? '');
    return {
      action: tag('Action'),
      set: {
        name: tag('Name'),
        type: tag('Type'),
        ttl: Number(tag('TTL')),
        values: [...c.matchAll(/<Value>([\s\S]*?)<\/Value>/g)].map((v) => unesc(v[1]!)),
      },
    };
  });
}

/** nock interceptors over an in-memory hosted zone, answering the XML Route 53 documents. */
function route53Backend() {
  const sets = new Map<string, RRSet>([
    ['www.example.com.|A', { name: 'www.example.com.', type: 'A', ttl: 300, values: ['192.0.2.44'] }],
  ]);
  const changes: string[] = [];
  let broken = false;
  let n = 0;
  const guard = (req: Request): NockReply | undefined => {
    const auth = req.headers.get('authorization') ?? '';
    if (broken)
      return [
        403,
        errorXml(
          'AccessDenied',
          `denied for ${auth} with token ${String(req.headers.get('x-amz-security-token'))}`,
        ),
        XML_HEADERS,
      ];
    if (
      !auth.startsWith(`AWS4-HMAC-SHA256 Credential=${KEY_ID}/`) ||
      req.headers.get('x-amz-security-token') !== SESSION
    )
      return [
        403,
        errorXml('InvalidClientTokenId', 'The security token included in the request is invalid.'),
        XML_HEADERS,
      ];
    return undefined;
  };
  nock(API)
    .persist()
    .get('/2013-04-01/hostedzonesbyname')
    .query(true)
    .reply(
      fetchStyle((req: Request): NockReply => {
        const q = new URL(req.url).searchParams;
        return (
          guard(req) ?? [
            200,
            listZonesXml(ZONES, q.get('dnsname') ?? '', Number(q.get('maxitems') ?? 100)),
            XML_HEADERS,
          ]
        );
      }),
    )
    .get(`/2013-04-01/hostedzone/${ZONE_ID}/rrset`)
    .query(true)
    .reply(
      fetchStyle((req: Request): NockReply => {
        const q = new URL(req.url).searchParams;
        const body = listRrsetsXml(
          [...sets.values()],
          q.get('name') ?? '',
          q.get('type') ?? '',
          Number(q.get('maxitems') ?? 100),
        );
        return guard(req) ?? [200, body, XML_HEADERS];
      }),
    )
    .post(`/2013-04-01/hostedzone/${ZONE_ID}/rrset`)
    .reply(
      fetchStyle(async (req: Request): Promise<NockReply> => {
        const g = guard(req);
        if (g) return g;
        const body = await req.text();
        changes.push(body);
        for (const { action, set } of parseChanges(body)) {
          const key = `${set.name}|${set.type}`;
          const cur = sets.get(key);
          if (action === 'DELETE') {
            if (!cur || cur.ttl !== set.ttl || JSON.stringify(cur.values) !== JSON.stringify(set.values))
              return [
                400,
                errorXml(
                  'InvalidChangeBatch',
                  `Tried to delete resource record set [name='${set.name}', type='${set.type}'] but the values provided do not match the current values`,
                ),
                XML_HEADERS,
              ];
            sets.delete(key);
          } else if (action === 'CREATE' && cur) {
            return [
              400,
              errorXml(
                'InvalidChangeBatch',
                `Tried to create resource record set [name='${set.name}', type='${set.type}'] but it already exists`,
              ),
              XML_HEADERS,
            ];
          } else {
            sets.set(key, set);
          }
        }
        return [
          200,
          changeInfoXml('ChangeResourceRecordSetsResponse', `C${++n}EXAMPLE`, 'PENDING'),
          XML_HEADERS,
        ];
      }),
    )
    .get(/^\/2013-04-01\/change\/C\d+EXAMPLE$/)
    .reply(
      fetchStyle((req: Request): NockReply => {
        const id = new URL(req.url).pathname.split('/').pop()!;
        return guard(req) ?? [200, changeInfoXml('GetChangeResponse', id, 'INSYNC'), XML_HEADERS];
      }),
    );
  return { sets, changes, breakIt: () => void (broken = true) };
}

async function harness(): Promise<ConformanceHarness> {
  const b = route53Backend();
  return {
    meta,
    fqdn: FQDN,
    env: { ...ENV, AWS_POLLING_INTERVAL: '0' },
    values: (name) => (b.sets.get(`${name}.|TXT`)?.values ?? []).map(fromTxtValue),
    seed: (name, v) => {
      const cur = b.sets.get(`${name}.|TXT`);
      b.sets.set(`${name}.|TXT`, {
        name: `${name}.`,
        type: 'TXT',
        ttl: cur?.ttl ?? 300,
        values: [...(cur?.values ?? []), toTxtValue(v)],
      });
    },
    breakBackend: b.breakIt,
    close: async () => void nock.cleanAll(),
  };
}

runConformance('route53', harness);

describe('route53 requests (nock, route53.amazonaws.com)', () => {
  /** SigV4 with the given key and the session token: proof the explicit credentials were used. */
  const signed = {
    reqheaders: {
      authorization: new RegExp(
        `^AWS4-HMAC-SHA256 Credential=${KEY_ID}/\\d{8}/us-east-1/route53/aws4_request, ` +
          'SignedHeaders=[a-z0-9;-]*x-amz-security-token[a-z0-9;-]*, Signature=[0-9a-f]{64}$',
      ),
      'x-amz-security-token': SESSION,
    },
  };

  it('walks up to the public zone, UPSERTs its value next to the existing one, and on delete UPSERTs the rest', async () => {
    const other = { name: `${FQDN}.`, type: 'TXT', ttl: 300, values: ['"someone-else"'] };
    const both = { ...other, values: ['"someone-else"', '"tok1"'] };
    const scope = nock(API, signed)
      .get('/2013-04-01/hostedzonesbyname')
      .query({ dnsname: FQDN, maxitems: '10' })
      .reply(200, listZonesXml(ZONES, FQDN, 10), XML_HEADERS)
      .get('/2013-04-01/hostedzonesbyname')
      .query({ dnsname: 'www.example.com', maxitems: '10' })
      .reply(200, listZonesXml(ZONES, 'www.example.com', 10), XML_HEADERS)
      .get('/2013-04-01/hostedzonesbyname')
      .query({ dnsname: 'example.com', maxitems: '10' })
      .reply(200, listZonesXml(ZONES, 'example.com', 10), XML_HEADERS)
      .get(`/2013-04-01/hostedzone/${ZONE_ID}/rrset`)
      .query({ name: `${FQDN}.`, type: 'TXT', maxitems: '10' })
      .reply(200, listRrsetsXml([other], `${FQDN}.`, 'TXT', 10), XML_HEADERS)
      .post(`/2013-04-01/hostedzone/${ZONE_ID}/rrset`, changeBatchXml('UPSERT', `${FQDN}.`, 300, both.values))
      .reply(200, changeInfoXml('ChangeResourceRecordSetsResponse', 'C2682N5HXP0BZ4', 'INSYNC'), XML_HEADERS)
      .get(`/2013-04-01/hostedzone/${ZONE_ID}/rrset`)
      .query({ name: `${FQDN}.`, type: 'TXT', maxitems: '10' })
      .reply(200, listRrsetsXml([both], `${FQDN}.`, 'TXT', 10), XML_HEADERS)
      .post(
        `/2013-04-01/hostedzone/${ZONE_ID}/rrset`,
        changeBatchXml('UPSERT', `${FQDN}.`, 300, other.values),
      )
      .reply(200, changeInfoXml('ChangeResourceRecordSetsResponse', 'C2682N5HXP0BZ5', 'INSYNC'), XML_HEADERS);

    const p = await createProvider('route53', ENV);
    const h = await p.createTxt(FQDN, 'tok1');
    expect(h).toEqual({
      provider: 'route53',
      fqdn: FQDN,
      value: 'tok1',
      zoneId: ZONE_ID,
      preexisting: false,
    });
    await p.deleteTxt(h);
    expect(scope.isDone()).toBe(true);
  });

  it('DELETEs the record set exactly as it stands when its value was the last one', async () => {
    const mine = { name: 'example.com.', type: 'TXT', ttl: 10, values: ['"tok1"'] };
    const scope = nock(API, signed)
      .get(`/2013-04-01/hostedzone/${ZONE_ID}/rrset`)
      .query({ name: 'example.com.', type: 'TXT', maxitems: '10' })
      .reply(200, listRrsetsXml([mine], 'example.com.', 'TXT', 10), XML_HEADERS)
      .post(
        `/2013-04-01/hostedzone/${ZONE_ID}/rrset`,
        changeBatchXml('DELETE', 'example.com.', 10, mine.values),
      )
      .reply(200, changeInfoXml('ChangeResourceRecordSetsResponse', 'C1', 'INSYNC'), XML_HEADERS);
    const p = await createProvider('route53', ENV);
    await p.deleteTxt({
      provider: 'route53',
      fqdn: 'example.com',
      value: 'tok1',
      zoneId: ZONE_ID,
      preexisting: false,
    });
    expect(scope.isDone()).toBe(true);
  });

  it('uses AWS_HOSTED_ZONE_ID and AWS_TTL, and waits for INSYNC with GetChange', async () => {
    const scope = nock(API, signed)
      .get(`/2013-04-01/hostedzone/${ZONE_ID}/rrset`)
      .query({ name: `${FQDN}.`, type: 'TXT', maxitems: '10' })
      .reply(200, listRrsetsXml([], `${FQDN}.`, 'TXT', 10), XML_HEADERS)
      .post(`/2013-04-01/hostedzone/${ZONE_ID}/rrset`, changeBatchXml('UPSERT', `${FQDN}.`, 60, ['"a\\"b"']))
      .reply(200, changeInfoXml('ChangeResourceRecordSetsResponse', 'C2682N5HXP0BZ4', 'PENDING'), XML_HEADERS)
      .get('/2013-04-01/change/C2682N5HXP0BZ4')
      .reply(200, changeInfoXml('GetChangeResponse', 'C2682N5HXP0BZ4', 'PENDING'), XML_HEADERS)
      .get('/2013-04-01/change/C2682N5HXP0BZ4')
      .reply(200, changeInfoXml('GetChangeResponse', 'C2682N5HXP0BZ4', 'INSYNC'), XML_HEADERS);
    const p = await createProvider('route53', {
      ...ENV,
      AWS_HOSTED_ZONE_ID: `/hostedzone/${ZONE_ID}`,
      AWS_TTL: '60',
      AWS_POLLING_INTERVAL: '0',
    });
    const h = await p.createTxt(FQDN, 'a"b');
    expect(h.zoneId).toBe(ZONE_ID);
    expect(scope.isDone()).toBe(true);
  });

  it('does not wait when AWS_PROPAGATION_TIMEOUT is 0, and never deletes a value that was there before', async () => {
    const set = { name: 'example.com.', type: 'TXT', ttl: 300, values: ['"same"'] };
    const scope = nock(API, signed)
      .get(`/2013-04-01/hostedzone/${ZONE_ID}/rrset`)
      .query(true)
      .reply(200, listRrsetsXml([], 'example.com.', 'TXT', 10), XML_HEADERS)
      .post(`/2013-04-01/hostedzone/${ZONE_ID}/rrset`, changeBatchXml('UPSERT', 'example.com.', 10, ['"v"']))
      .reply(200, changeInfoXml('ChangeResourceRecordSetsResponse', 'C9', 'PENDING'), XML_HEADERS)
      .get(`/2013-04-01/hostedzone/${ZONE_ID}/rrset`)
      .query(true)
      .reply(200, listRrsetsXml([set], 'example.com.', 'TXT', 10), XML_HEADERS);
    const p = await createProvider('route53', {
      ...ENV,
      AWS_HOSTED_ZONE_ID: ZONE_ID,
      AWS_PROPAGATION_TIMEOUT: '0',
    });
    await p.createTxt('example.com', 'v');
    const h = await p.createTxt('example.com', 'same');
    expect(h.preexisting).toBe(true);
    // No interceptor is left: any further request (GetChange, a change batch) would fail the test.
    await p.deleteTxt(h);
    expect(scope.isDone()).toBe(true);
  });

  it('reports the public zone nameservers from GetHostedZone', async () => {
    const scope = nock(API, signed)
      .get('/2013-04-01/hostedzonesbyname')
      .query({ dnsname: 'example.com', maxitems: '10' })
      .reply(200, listZonesXml(ZONES, 'example.com', 10), XML_HEADERS)
      .get(`/2013-04-01/hostedzone/${ZONE_ID}`)
      .reply(
        200,
        xml(
          `<GetHostedZoneResponse xmlns="${NS_XML}">${hostedZoneXml(ZONES[0]!)}<DelegationSet><NameServers>` +
            NAMESERVERS.map((ns) => `<NameServer>${ns}</NameServer>`).join('') +
            `</NameServers></DelegationSet></GetHostedZoneResponse>`,
        ),
        XML_HEADERS,
      );
    const p = await createProvider('route53', ENV);
    expect(await p.zoneNameservers!('example.com')).toEqual(NAMESERVERS);
    expect(scope.isDone()).toBe(true);
  });

  it('skips private zones and says when no public zone matches', async () => {
    const only = [{ id: 'Z3PRIVATEEXAMPLE', name: 'example.com.', private: true }];
    nock(API, signed)
      .get('/2013-04-01/hostedzonesbyname')
      .query({ dnsname: 'example.com', maxitems: '10' })
      .reply(200, listZonesXml(only, 'example.com', 10), XML_HEADERS);
    const p = await createProvider('route53', ENV);
    await expect(p.createTxt('example.com', 'v')).rejects.toThrow(
      'no public Route 53 hosted zone visible to these credentials contains example.com',
    );
  });

  it('an API error is a ProviderError with the AWS code and status and without any credential', async () => {
    const scope = nock(API)
      .get('/2013-04-01/hostedzonesbyname')
      .query(true)
      .reply(
        403,
        (_uri: string) =>
          errorXml('AccessDenied', `User AIDA with token ${SESSION} and key ${KEY_ID} is not authorized`),
        XML_HEADERS,
      );
    const p = await createProvider('route53', ENV);
    const err = (await p.createTxt('example.com', 'v').catch((e: unknown) => e)) as ProviderError;
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.status).toBe(403);
    expect(err.message).toMatch(
      /^looking up hosted zone example\.com: AccessDenied: User AIDA with token \[REDACTED\]/,
    );
    for (const s of [SESSION, KEY_ID, SECRET]) expect(err.message).not.toContain(s);
    expect(scope.isDone()).toBe(true);
  });

  it('needs both halves of a key pair, and builds the client from env, never from the default chain', () => {
    let err: unknown;
    try {
      clientConfig({ AWS_ACCESS_KEY_ID: KEY_ID });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ProviderConfigError);
    expect((err as ProviderConfigError).missing).toEqual(['AWS_SECRET_ACCESS_KEY']);

    const explicit = clientConfig({ ...ENV, AWS_REGION: 'eu-west-1' });
    expect(explicit.credentials).toEqual({
      accessKeyId: KEY_ID,
      secretAccessKey: SECRET,
      sessionToken: SESSION,
    });
    expect(explicit.region).toBe('eu-west-1');
    expect(explicit.defaultsMode).toBe('standard');
    expect(explicit.ignoreConfiguredEndpointUrls).toBe(true);

    const chain = clientConfig({ AWS_PROFILE: 'dns' });
    expect(chain.credentials).toBeUndefined();
    expect(chain.profile).toBe('dns');
    expect(chain.region).toBe('us-east-1');
  });

  it('quotes, splits and unescapes TXT values as Route 53 writes them', () => {
    expect(toTxtValue('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(fromTxtValue(toTxtValue('a"b\\c'))).toBe('a"b\\c');
    const long = 'y'.repeat(300);
    expect(toTxtValue(long)).toBe(`"${'y'.repeat(255)}" "${'y'.repeat(45)}"`);
    expect(fromTxtValue(toTxtValue(long))).toBe(long);
    expect(fromTxtValue('"v=spf1\\040-all"')).toBe('v=spf1 -all');
    expect(toTxtValue('')).toBe('""');
  });
});

describe('route53: cancellation', () => {
  const secrets = [SECRET, SESSION];

  it('an abort stops a pending SDK request at once (the SDK gets the signal)', async () => {
    hangAll(API);
    const p = await createProvider('route53', ENV);
    const e = await expectPromptCancel((signal) => p.createTxt(FQDN, 'v', signal), secrets);
    expect(e.message).toContain('looking up hosted zone');
    await expectPromptCancel((signal) => p.zoneNameservers!(FQDN, signal), secrets);
  });

  it('an abort stops the wait for a PENDING change between two GetChange polls', async () => {
    let polls = 0;
    nock(API)
      .get(`/2013-04-01/hostedzone/${ZONE_ID}/rrset`)
      .query(true)
      .reply(200, listRrsetsXml([], `${FQDN}.`, 'TXT', 10), XML_HEADERS)
      .post(`/2013-04-01/hostedzone/${ZONE_ID}/rrset`)
      .reply(200, changeInfoXml('ChangeResourceRecordSetsResponse', 'C77', 'PENDING'), XML_HEADERS)
      .get('/2013-04-01/change/C77')
      .times(5)
      .reply(() => {
        polls++;
        return [200, changeInfoXml('GetChangeResponse', 'C77', 'PENDING'), XML_HEADERS];
      });
    const p = await createProvider('route53', {
      ...ENV,
      AWS_HOSTED_ZONE_ID: ZONE_ID,
      AWS_POLLING_INTERVAL: '1',
    });
    const e = await expectPromptCancel((signal) => p.createTxt(FQDN, 'v', signal), secrets, {
      afterMs: 400,
      withinMs: 300,
    });
    expect(e.message).toBe('waiting for change /change/C77: cancelled (SIGINT)');
    expect(polls).toBe(0);
  });
});
