// Block propagation: for each of `blocks` open visitor sockets, times REST
// `POST /v2/contacts/{id}/block` (request start) → `contact:blocked` at that socket; with
// `tabs` > 1 each blocked contact has that many sockets open (its token reused, as tabs do)
// and the time is until the last of them heard it.
// Config JSON argument: { visitorUrl, apiUrl, apiKey, blocks, warmup, tabs }. With two processes the
// visitor sits on one and the REST call goes to the other, so every block crosses Redis.
// `targets: [{ visitorUrl, apiUrl }, …]` instead: several servers (two builds, an A/B) take
// turns block by block, the order flipped each round, so whatever else slows the machine
// slows each the same; `blocks` each, and a summary per target.
import { performance } from 'node:perf_hooks';
import { io } from 'socket.io-client';
import { summarize } from './lib/stats.mjs';

const cfg = { blocks: 200, warmup: 10, tabs: 1, ...JSON.parse(process.argv[2] ?? '{}') };
// Kept referenced: a probe waiting on a silent server fails loudly instead of exiting early.
const lifetime = setTimeout(() => { process.stderr.write('block-probe: lifetime exceeded\n'); process.exit(3); }, cfg.maxLifeMs ?? 90_000);

function connectTab(url, auth) {
  return new Promise((resolve, reject) => {
    const socket = io(`${url}/messenger`, { transports: ['websocket'], forceNew: true, reconnection: false, timeout: 20_000, auth });
    socket.once('session', (s) => resolve({ socket, contactId: s.contact.id, token: s.visitorToken }));
    socket.once('connect_error', (err) => reject(new Error(`connect_error: ${err.message}`)));
    socket.once('disconnect', (reason) => reject(new Error(`disconnected before session: ${reason}`)));
  });
}

/** A visitor with `cfg.tabs` sockets open: the first tab's token opens the others. */
async function connect(url) {
  const first = await connectTab(url, {});
  const more = await Promise.all(Array.from({ length: cfg.tabs - 1 }, () => connectTab(url, { visitorToken: first.token })));
  for (const tab of more) if (tab.contactId !== first.contactId) throw new Error('a tab opened another contact');
  return { sockets: [first.socket, ...more.map((t) => t.socket)], contactId: first.contactId };
}

const targets = cfg.targets ?? [{ visitorUrl: cfg.visitorUrl, apiUrl: cfg.apiUrl }];
const total = cfg.blocks + cfg.warmup;
const step = Math.max(1, Math.floor(50 / cfg.tabs));
for (const target of targets) {
  target.visitors = [];
  for (let i = 0; i < total; i += step) {
    target.visitors.push(...(await Promise.all(Array.from({ length: Math.min(step, total - i) }, () => connect(target.visitorUrl)))));
  }
  target.propagation = [];
  target.response = [];
}

/** One block: REST call to `target`, timed until every tab of the contact heard it. */
async function block(target, { sockets, contactId }, i) {
  const t0 = performance.now();
  const pushed = Promise.all(sockets.map((socket, k) => new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no contact:blocked for ${contactId} (block ${i}, tab ${k}) within 5 s`)), 5000);
    socket.once('contact:blocked', () => { clearTimeout(timer); resolve(performance.now()); });
    socket.once('disconnect', (reason) => { clearTimeout(timer); reject(new Error(`${contactId} disconnected (${reason}) before contact:blocked`)); });
  }))).then((times) => Math.max(...times));
  const res = await fetch(`${target.apiUrl}/v2/contacts/${contactId}/block`, {
    method: 'POST',
    headers: { authorization: `Bearer ${cfg.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ reason: 'bench' }),
  });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`block answered ${res.status}`);
  const answered = performance.now();
  const arrived = await pushed;
  if (i >= cfg.warmup) {
    target.propagation.push(arrived - t0);
    target.response.push(answered - t0);
  }
}

// Window marks around the measured blocks: the orchestrator reads the servers' CPU time there.
const mark = (name) => process.stdout.write(`${JSON.stringify({ mark: name })}\n`);
for (let i = 0; i < total; i++) {
  if (i === cfg.warmup) mark('window-start');
  const order = i % 2 ? [...targets].reverse() : targets;
  for (const target of order) await block(target, target.visitors[i], i);
}
mark('window-end');
for (const target of targets) for (const { sockets } of target.visitors) for (const socket of sockets) socket.disconnect();
const summary = (t) => ({ propagationMs: summarize(t.propagation), restResponseMs: summarize(t.response) });
process.stdout.write(`${JSON.stringify(cfg.targets ? { tabs: cfg.tabs, perTarget: targets.map(summary) } : { tabs: cfg.tabs, ...summary(targets[0]) })}\n`);
clearTimeout(lifetime);
process.exit(0);
