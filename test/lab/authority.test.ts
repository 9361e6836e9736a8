import { parseRecord } from '../../src/dns/presentation.js';
import { answerAuthoritative, canonicalCompare, type ZoneData } from '../../src/lab/index.js';

const SIG = (covered: string, owner: string) =>
  `${owner}. 300 IN RRSIG ${covered} 13 2 300 20261223000000 20261123000000 4242 sec.test. AAEC`;

const zone = (apex: string, lines: string[]): ZoneData => ({ apex, records: lines.map(parseRecord) });

const parent = zone('test', [
  'test. 900 IN SOA ns.nic.test. h.nic.test. 1 2 3 4 900',
  'test. 900 IN NS ns.nic.test.',
  'sec.test. 3600 IN NS ns1.sec.test.',
  'sec.test. 3600 IN DS 4242 13 2 49FD46E6C4B45C55D4AC69CBD3CD34AC1AFE51DE33E4AD7A1A4E5C3F0B3B6E12',
  SIG('DS', 'sec.test'),
  'ns1.sec.test. 3600 IN A 127.0.13.1',
]);
const child = zone('sec.test', [
  'sec.test. 3600 IN SOA ns1.sec.test. h.sec.test. 1 2 3 4 60',
  SIG('SOA', 'sec.test'),
  'sec.test. 3600 IN NS ns1.sec.test.',
  'sec.test. 300 IN A 127.0.0.80',
  SIG('A', 'sec.test'),
  'sec.test. 300 IN NSEC www.sec.test. A NS SOA RRSIG NSEC',
  SIG('NSEC', 'sec.test'),
  'www.sec.test. 300 IN A 127.0.0.81',
  'www.sec.test. 300 IN NSEC sec.test. A RRSIG NSEC',
  SIG('NSEC', 'www.sec.test'),
]);

describe('answerAuthoritative', () => {
  it('returns RRSIGs only when DO is set', () => {
    const plain = answerAuthoritative([child], { name: 'sec.test', type: 'A' });
    expect(plain.answers.map((r) => r.type)).toEqual(['A']);
    const signed = answerAuthoritative([child], { name: 'sec.test', type: 'A', dnssec: true });
    expect(signed.answers.map((r) => r.type)).toEqual(['A', 'RRSIG']);
  });

  it('NXDOMAIN with DO carries the SOA, its RRSIG and the covering NSEC', () => {
    const a = answerAuthoritative([child], { name: 'mmm.sec.test', type: 'A', dnssec: true });
    expect(a.rcode).toBe('NXDOMAIN');
    expect(a.authorities.map((r) => `${r.name} ${r.type}`)).toEqual([
      'sec.test SOA',
      'sec.test RRSIG',
      'sec.test NSEC',
      'sec.test RRSIG',
    ]);
    expect(a.authorities[0]!.ttl).toBe(60);
  });

  it('NODATA with DO carries the NSEC at the name', () => {
    const a = answerAuthoritative([child], { name: 'www.sec.test', type: 'TXT', dnssec: true });
    expect(a.rcode).toBe('NOERROR');
    expect(a.authorities.some((r) => r.type === 'NSEC' && r.name === 'www.sec.test')).toBe(true);
  });

  it('referral includes DS and its RRSIG with DO, and glue', () => {
    const a = answerAuthoritative([parent], { name: 'www.sec.test', type: 'A', dnssec: true });
    expect(a.aa).toBe(false);
    expect(a.authorities.map((r) => r.type)).toEqual(['NS', 'DS', 'RRSIG']);
    expect(a.additionals.map((r) => r.data)).toEqual(['127.0.13.1']);
  });

  it('DS at the cut is answered by the parent, authoritatively', () => {
    const a = answerAuthoritative([parent, child], { name: 'sec.test', type: 'DS' });
    expect(a.aa).toBe(true);
    expect(a.answers.map((r) => r.type)).toEqual(['DS']);
  });

  it('REFUSED outside every zone', () => {
    expect(answerAuthoritative([child], { name: 'other.test', type: 'A' }).rcode).toBe('REFUSED');
  });

  it('orders names canonically', () => {
    expect(['z.a.test', 'a.test', 'b.a.test', 'A.test'].sort(canonicalCompare)).toEqual([
      'a.test',
      'A.test',
      'b.a.test',
      'z.a.test',
    ]);
  });
});
