import dgram from 'node:dgram';
import net from 'node:net';
import { HOSTILE_SUITE, takeRefused } from './refused.js';

describe('test network guard', () => {
  it('refuses UDP and TCP to non-loopback addresses', () => {
    const s = dgram.createSocket('udp4');
    expect(() => s.send(Buffer.from('x'), 53, '198.41.0.4')).toThrow(/network guard/);
    s.close();
    const sock = new net.Socket();
    expect(() => sock.connect({ host: '8.8.8.8', port: 53 })).toThrow(/network guard/);
    sock.destroy();
  });

  it('records a refusal even when the caller swallows the error, so the hostile suite can fail on it', () => {
    takeRefused();
    const sock = new net.Socket();
    try {
      sock.connect({ host: '169.254.169.254', port: 80 });
    } catch {
      // what a tool that reports connect errors as findings does
    }
    sock.destroy();
    expect(takeRefused()).toEqual([{ what: 'TCP connect', host: '169.254.169.254' }]);
    expect(takeRefused()).toEqual([]);
    expect(HOSTILE_SUITE.test('/repo/test/hostile/x.test.ts')).toBe(true);
    expect(HOSTILE_SUITE.test('/repo/test/http/x.test.ts')).toBe(false);
  });
});
