import { gatherResolverViews, resolverVerdict } from '../../src/dns/dnssec/resolver-view.js';
import { judgeResolverViews, resolverEvidence } from '../../src/checks/dnssec/resolver-view.js';
import type { ChainResult } from '../../src/dns/dnssec/chain.js';
import type { QueryOptions, QueryOutcome } from '../../src/dns/types.js';

const reply = (rcode: string, ad = false, answers = 1): QueryOutcome => ({
  ok: true,
  response: {
    server: '127.0.9.1:53',
    question: { name: 'www.x.test', type: 'A' },
    rcode,
    flags: { aa: false, tc: false, rd: true, ra: true, ad, cd: false },
    answers: Array.from({ length: answers }, () => ({
      name: 'www.x.test',
      type: 'A',
      class: 'IN',
      ttl: 60,
      data: '192.0.2.1',
    })),
    authorities: [],
    additionals: [],
    rttMs: 1,
    transport: 'udp',
  },
});
const timeout: QueryOutcome = {
  ok: false,
  failure: {
    server: '127.0.9.1:53',
    question: { name: 'www.x.test', type: 'A' },
    kind: 'timeout',
    message: 'no reply',
    rttMs: 400,
  },
};
const resolver = { name: 'Lab', address: '127.0.9.1', port: 53 };
const chain = (status: 'secure' | 'bogus' | 'insecure'): ChainResult =>
  ({ status }) as unknown as ChainResult;

describe('public resolver DNSSEC view', () => {
  it.each([
    [reply('NOERROR', true), undefined, 'secure'],
    [reply('NXDOMAIN', true, 0), undefined, 'secure'],
    [reply('NOERROR', false), undefined, 'insecure'],
    [reply('SERVFAIL', false, 0), reply('NOERROR'), 'bogus'],
    [reply('SERVFAIL', false, 0), reply('SERVFAIL', false, 0), 'failed'],
    [timeout, undefined, 'failed'],
  ] as const)('%#: verdict %s', (plain, cd, want) => {
    expect(resolverVerdict(plain, cd)).toBe(want);
  });

  it('asks again with CD only after a SERVFAIL, and with DO set', async () => {
    const asked: QueryOptions[] = [];
    const ask = async (_n: string, _t: string, o?: QueryOptions) => {
      asked.push(o ?? {});
      return [{ resolver, outcome: o?.cd ? reply('NOERROR') : reply('SERVFAIL', false, 0) }];
    };
    const views = await gatherResolverViews(ask, 'www.x.test', 'A');
    expect(asked).toEqual([{ dnssec: true }, { dnssec: true, cd: true }]);
    expect(views[0]!.verdict).toBe('bogus');
    expect(resolverEvidence(views)[0]!.answer).toMatch(/^bogus: SERVFAIL.*with CD: NOERROR/);
  });

  it('warns when a resolver finds bogus what we find secure, and the reverse; agreement is silent', () => {
    const bogusView = [
      {
        resolver,
        verdict: 'bogus' as const,
        plain: reply('SERVFAIL', false, 0),
        checkingDisabled: reply('NOERROR'),
      },
    ];
    const secureView = [{ resolver, verdict: 'secure' as const, plain: reply('NOERROR', true) }];
    expect(
      judgeResolverViews(chain('secure'), bogusView, 'www.x.test', 'A for www.x.test').map((f) => f.code),
    ).toEqual(['DNSSEC_RESOLVER_DISAGREES']);
    expect(
      judgeResolverViews(chain('bogus'), secureView, 'www.x.test', 'A for www.x.test').map((f) => f.code),
    ).toEqual(['DNSSEC_RESOLVER_DISAGREES']);
    expect(judgeResolverViews(chain('bogus'), bogusView, 'www.x.test', 'A')).toEqual([]);
    expect(judgeResolverViews(chain('secure'), secureView, 'www.x.test', 'A')).toEqual([]);
  });
});
