import dgram from 'node:dgram';
import net from 'node:net';

describe('test network guard', () => {
  it('refuses UDP and TCP to non-loopback addresses', () => {
    const s = dgram.createSocket('udp4');
    expect(() => s.send(Buffer.from('x'), 53, '198.41.0.4')).toThrow(/network guard/);
    s.close();
    const sock = new net.Socket();
    expect(() => sock.connect({ host: '8.8.8.8', port: 53 })).toThrow(/network guard/);
    sock.destroy();
  });
});
