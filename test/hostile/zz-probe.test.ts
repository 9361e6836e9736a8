import { it } from '@jest/globals';
import { startWorld } from './world.js';
import { authority, reply } from './servers.js';
import { preflight } from '../../src/engine/preflight.js';

it('probe', async () => {
  const a = authority('r0.test', '127.19.1.1');
  const w = await startWorld({
    records: ['r0.test. 300 IN NS ns.r0.test.', 'ns.r0.test. 300 IN A 127.19.1.1'],
    dns: [
      {
        address: '127.19.1.1',
        udp: (q, send) => {
          const n = q.questions?.[0]?.name ?? '';
          if (!n.startsWith('_acme')) return send(a(q));
          const out = reply(q, {
            answers: Array.from({ length: 500 }, (_, i) => ({
              name: n,
              type: 'TXT' as const,
              ttl: 60,
              data: [`u${i}${'y'.repeat(100)}`],
            })),
          });
          console.log('sending', out.length, n, q.questions?.[0]?.type);
          send(out);
        },
      },
    ],
  });
  const r = await preflight(['www.r0.test'], { profile: w.profile, challenge: 'dns-01' });
  console.log(r.identifiers[0]!.findings.map((f) => f.code + ' ' + f.detail).join('\n'));
  await w.stop();
});
