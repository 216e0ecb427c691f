// Page-view churn, the load an embedded widget really puts on a server: each page view of a
// returning visitor opens a socket with its visitor token, waits for `session`, fetches the
// history (one ack) and disconnects, as a browser does when the visitor navigates. The same
// client runs against the bare socket.io baseline (connect → session → one ack → disconnect).
// Config is one JSON argument: { urls, visitors, lanes, rate, warmupMs, durationMs }.
// rate 0 = closed loop (`lanes` page views in flight, i.e. saturation); rate > 0 = open loop
// at that many page views/s, times counted from each view's scheduled start. Prints window
// marks like load-client.mjs, then one JSON line.
// It speaks the socket.io protocol over a bare WebSocket (`ws`) rather than through
// socket.io-client: a page view's client side then costs a fraction of the server's, so the
// one client core measures the server instead of itself. The frames are what the widget sends.
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { summarize } from './lib/stats.mjs';
import { openLoop } from './lib/open-loop.mjs';

const cfg = { visitors: 200, lanes: 50, rate: 0, warmupMs: 1500, durationMs: 8000, maxOutstanding: 2000, ...JSON.parse(process.argv[2] ?? '{}') };
const lifetime = setTimeout(() => { process.stderr.write('churn-client: lifetime exceeded\n'); process.exit(3); }, cfg.maxLifeMs ?? 120_000);

const NSP = '/messenger';

/**
 * One page view: engine.io open → namespace connect with the auth → `session` →
 * `history:fetch` with ack 0 → close. Resolves with { sessionMs, totalMs } (from `from`).
 */
function pageView(url, auth, from) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, { perMessageDeflate: false });
    let sessionAt = 0;
    let token = null;
    const timer = setTimeout(() => fail(new Error('page view timed out')), 20_000);
    const fail = (err) => { clearTimeout(timer); ws.terminate(); reject(err); };
    ws.on('error', (err) => fail(new Error(`socket error: ${err.message}`)));
    ws.on('message', (data) => {
      const frame = data.toString();
      if (frame[0] === '0') return ws.send(`40${NSP},${JSON.stringify(auth)}`); // engine.io open
      if (frame === '2') return ws.send('3'); // ping
      if (frame.startsWith(`44${NSP},`)) return fail(new Error(`connect_error: ${JSON.parse(frame.slice(NSP.length + 3)).message}`));
      if (frame.startsWith(`42${NSP},`)) {
        const [event, payload] = JSON.parse(frame.slice(NSP.length + 3));
        if (event !== 'session') return;
        sessionAt = performance.now();
        token = payload.visitorToken;
        return ws.send(`42${NSP},0["history:fetch",{}]`);
      }
      if (frame.startsWith(`43${NSP},0`)) {
        const [res] = JSON.parse(frame.slice(NSP.length + 4));
        clearTimeout(timer);
        ws.close();
        if (res?.ok === false) return reject(new Error(`history:fetch answered ${res.error?.code}`));
        resolve({ sessionMs: sessionAt - from, totalMs: performance.now() - from, token });
      }
    });
  });
}

// Returning visitors: each connects once first and keeps the token it was given.
const urls = cfg.urls;
const tokens = [];
for (let i = 0; i < cfg.visitors; i += 50) {
  const batch = Array.from({ length: Math.min(50, cfg.visitors - i) }, (_, k) => pageView(urls[(i + k) % urls.length], {}, performance.now()));
  tokens.push(...(await Promise.all(batch)).map((r) => r.token));
}

const t0 = performance.now();
const windowStart = t0 + cfg.warmupMs;
const windowEnd = windowStart + cfg.durationMs;
const mark = (name) => process.stdout.write(`${JSON.stringify({ mark: name })}\n`);
setTimeout(() => mark('window-start'), cfg.warmupMs);

let done = 0;
let errors = 0;
let outstanding = 0;
let shed = 0;
let seq = 0;
const errorKinds = {};
const sessionMs = [];
const totalMs = [];
const view = (from) => {
  const i = seq++ % tokens.length;
  outstanding++;
  return pageView(urls[i % urls.length], { visitorToken: tokens[i] }, from).then(
    (r) => {
      const now = performance.now();
      if (now >= windowStart && now <= windowEnd) done++;
      if (from >= windowStart && from <= windowEnd) { sessionMs.push(r.sessionMs); totalMs.push(r.totalMs); }
    },
    (err) => {
      errors++;
      const kind = String(err.message).slice(0, 60);
      errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
    },
  ).finally(() => outstanding--);
};

if (cfg.rate > 0) {
  await openLoop({ t0, rate: cfg.rate, until: windowEnd }, (at) => {
    if (outstanding >= cfg.maxOutstanding) shed++;
    else view(at);
  });
} else {
  // Each lane is one visitor's tab after another, so a visitor never has two views open.
  const lanes = Math.min(cfg.lanes, tokens.length);
  const lane = async () => { while (performance.now() < windowEnd) await view(performance.now()); };
  await Promise.all(Array.from({ length: lanes }, lane));
}
mark('window-end');
const drainUntil = performance.now() + 5000;
while (outstanding > 0 && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 10));
process.stdout.write(`${JSON.stringify({
  pageViewsPerSec: Math.round((done / cfg.durationMs) * 1000),
  sessionMs: summarize(sessionMs),
  pageViewMs: summarize(totalMs),
  errors, errorKinds, shed, unanswered: outstanding,
  visitors: tokens.length, lanes: cfg.rate > 0 ? null : cfg.lanes, targetRate: cfg.rate || null, durationMs: cfg.durationMs,
})}\n`);
clearTimeout(lifetime);
process.exit(0);
