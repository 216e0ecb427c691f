import { once } from 'node:events';
import net from 'node:net';

/**
 * A TCP balancer in front of several server processes: each new connection goes to the first
 * target that accepts it, as a load balancer skips a process that stopped listening.
 */
export async function failoverProxy(targets: string[]) {
  const ports = targets.map((url) => Number(new URL(url).port));
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    open.add(client);
    client.once('close', () => open.delete(client));
    client.on('error', () => client.destroy());
    const connectTo = (i: number) => {
      const upstream = net.connect(ports[i], '127.0.0.1');
      const refused = () => {
        upstream.destroy();
        if (i + 1 < ports.length && !client.destroyed) connectTo(i + 1);
        else client.destroy();
      };
      upstream.once('error', refused);
      upstream.once('connect', () => {
        upstream.off('error', refused);
        upstream.on('error', () => client.destroy());
        client.once('close', () => upstream.destroy());
        upstream.once('close', () => client.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
      });
    };
    connectTo(0);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      for (const s of open) s.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}
