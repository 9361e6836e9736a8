import dgram from 'node:dgram';
import net from 'node:net';

export interface DualPort {
  port: number;
  udp: dgram.Socket;
  tcp: net.Server;
  close(): Promise<void>;
}

/**
 * A UDP socket and a TCP listener on the same loopback port. The kernel picks the UDP port; the same
 * number can already be a TCP port (another test's connection), so on EADDRINUSE both are dropped and a
 * new port is tried, as the lab does. Without this the listen never called back and the test hung.
 */
export async function dualPort(
  onUdp: (udp: dgram.Socket) => void,
  onTcp: (conn: net.Socket) => void,
  attempts = 20,
): Promise<DualPort> {
  for (let i = 1; ; i++) {
    const udp = dgram.createSocket('udp4');
    await new Promise<void>((r) => udp.bind(0, '127.0.0.1', r));
    const port = udp.address().port;
    const tcp = net.createServer(onTcp);
    try {
      await new Promise<void>((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
          tcp.off('error', reject);
          resolve();
        });
      });
    } catch (e) {
      await new Promise<void>((r) => udp.close(() => r()));
      if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || i >= attempts) throw e;
      continue;
    }
    onUdp(udp);
    return {
      port,
      udp,
      tcp,
      close: async () => {
        await new Promise<void>((r) => tcp.close(() => r()));
        await new Promise<void>((r) => udp.close(() => r()));
      },
    };
  }
}
