/** The run's answer cache is bounded: what is read often stays, each name's own answers age out. */
import { withProfile } from '../../src/profile.js';
import { BoundedMap } from '../../src/dns/bounded.js';
import { CachingDnsClient, type QueryFn } from '../../src/dns/client.js';

const server = { address: '127.0.0.1', port: 5300 };

describe('BoundedMap', () => {
  test('holds at most its bound, keeps what is read, drops what is not', () => {
    const m = new BoundedMap<string, number>(10);
    for (let i = 0; i < 100; i++) {
      m.set(`k${i}`, i);
      expect(m.get('shared')).toBe(i === 0 ? undefined : 0);
      if (i === 0) m.set('shared', 0);
      expect(m.size).toBeLessThanOrEqual(10);
    }
    expect(m.get('k0')).toBeUndefined();
    expect(m.get('k99')).toBe(99);
    expect(m.has('shared')).toBe(true);
    expect(m.delete('k99')).toBe(true);
    expect(m.has('k99')).toBe(false);
  });
});

describe('CachingDnsClient answer bound', () => {
  test('a question is asked once while its answer is kept; past the bound an unread one is asked again', async () => {
    const asked: string[] = [];
    const queryFn: QueryFn = async (s, q) => {
      asked.push(q.name);
      return {
        ok: false,
        failure: { server: s.address, question: q, kind: 'timeout', message: 't', rttMs: 1 },
      };
    };
    const client = new CachingDnsClient(withProfile({}), { queryFn, maxCachedAnswers: 8 });
    for (let i = 0; i < 50; i++) {
      await client.query(server, 'zone.example', 'NS');
      await client.query(server, `n${i}.zone.example`, 'TXT');
    }
    expect(asked.filter((n) => n === 'zone.example')).toHaveLength(1);
    await client.query(server, 'n49.zone.example', 'TXT');
    expect(asked.filter((n) => n === 'n49.zone.example')).toHaveLength(1);
    await client.query(server, 'n0.zone.example', 'TXT');
    expect(asked.filter((n) => n === 'n0.zone.example')).toHaveLength(2);
    expect(client.sent).toBe(52);
  });
});
