// Block propagation: for each of `blocks` open visitor sockets, times REST
// `POST /v2/contacts/{id}/block` (request start) → `contact:blocked` at that socket.
// Config JSON argument: { visitorUrl, apiUrl, apiKey, blocks, warmup }. With two processes the
// visitor sits on one and the REST call goes to the other, so every block crosses Redis.
import { performance } from 'node:perf_hooks';
import { io } from 'socket.io-client';
import { summarize } from './lib/stats.mjs';

const cfg = { blocks: 200, warmup: 10, ...JSON.parse(process.argv[2] ?? '{}') };
// Kept referenced: a probe waiting on a silent server fails loudly instead of exiting early.
const lifetime = setTimeout(() => { process.stderr.write('block-probe: lifetime exceeded\n'); process.exit(3); }, 90_000);

function connect(url) {
  return new Promise((resolve, reject) => {
    const socket = io(`${url}/messenger`, { transports: ['websocket'], forceNew: true, reconnection: false, timeout: 20_000 });
    socket.once('session', (s) => resolve({ socket, contactId: s.contact.id }));
    socket.once('connect_error', (err) => reject(new Error(`connect_error: ${err.message}`)));
    socket.once('disconnect', (reason) => reject(new Error(`disconnected before session: ${reason}`)));
  });
}

const total = cfg.blocks + cfg.warmup;
const visitors = [];
for (let i = 0; i < total; i += 50) {
  visitors.push(...(await Promise.all(Array.from({ length: Math.min(50, total - i) }, () => connect(cfg.visitorUrl)))));
}

const propagation = [];
const response = [];
for (const [i, { socket, contactId }] of visitors.entries()) {
  const t0 = performance.now();
  const pushed = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no contact:blocked for ${contactId} within 5 s`)), 5000);
    socket.once('contact:blocked', () => { clearTimeout(timer); resolve(performance.now()); });
  });
  const res = await fetch(`${cfg.apiUrl}/v2/contacts/${contactId}/block`, {
    method: 'POST',
    headers: { authorization: `Bearer ${cfg.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ reason: 'bench' }),
  });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`block answered ${res.status}`);
  const answered = performance.now();
  const arrived = await pushed;
  if (i >= cfg.warmup) {
    propagation.push(arrived - t0);
    response.push(answered - t0);
  }
}
for (const { socket } of visitors) socket.disconnect();
process.stdout.write(`${JSON.stringify({ propagationMs: summarize(propagation), restResponseMs: summarize(response) })}\n`);
clearTimeout(lifetime);
process.exit(0);
