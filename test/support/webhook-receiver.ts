import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedHook {
  headers: IncomingHttpHeaders;
  raw: string;
  body: any;
}

/**
 * A real HTTP endpoint on 127.0.0.1 that records webhook deliveries. `respond` picks the
 * status for each request (default 200); it may return a promise to hold the answer.
 */
export async function startReceiver(respond: (hook: ReceivedHook, n: number) => number | Promise<number> = () => 200) {
  const received: ReceivedHook[] = [];
  const waiters: { pred: (h: ReceivedHook) => boolean; resolve: (h: ReceivedHook) => void }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const hook: ReceivedHook = { headers: req.headers, raw, body: JSON.parse(raw) };
      received.push(hook);
      for (const w of [...waiters]) {
        if (w.pred(hook)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(hook);
        }
      }
      const status = await respond(hook, received.length);
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'nope');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    /** Resolves with the first delivery (already received or next) matching `pred`. */
    next(pred: (h: ReceivedHook) => boolean = () => true, timeoutMs = 5000): Promise<ReceivedHook> {
      const seen = received.find(pred);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no matching webhook delivery in time')), timeoutMs);
        waiters.push({ pred, resolve: (h) => { clearTimeout(timer); resolve(h); } });
      });
    },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
