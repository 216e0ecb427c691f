// The load client, run as its own process and used unchanged against the bare socket.io
// baseline and against Parley. Config is one JSON argument:
//   { urls, clients, mode: 'send' | 'idle', inflight, rate, warmupMs, durationMs }
// send: every client connects (websocket only), then `message:send` runs for warmup +
//   duration. rate 0 = closed loop (each client keeps `inflight` sends outstanding, i.e.
//   saturation); rate > 0 = open loop at that many sends/s in total, latency counted from
//   the scheduled send time so a stalled server cannot hide its queue. Prints
//   {"mark":"window-start"} and {"mark":"window-end"} around the measured window, then one JSON line.
// idle: connects, prints {"connected":n}, holds the connections until stdin closes.
import { performance } from 'node:perf_hooks';
import { io } from 'socket.io-client';
import { summarize } from './lib/stats.mjs';
import { openLoop } from './lib/open-loop.mjs';

const cfg = { inflight: 8, rate: 0, maxOutstanding: 10_000, warmupMs: 1500, durationMs: 8000, connectConcurrency: 50, ...JSON.parse(process.argv[2] ?? '{}') };
// Nothing here may outlive the phase that started it.
const lifetime = setTimeout(() => { process.stderr.write('load-client: lifetime exceeded\n'); process.exit(3); }, cfg.maxLifeMs ?? 120_000);

const body = 'Hello, I have a question about my order #12345, could someone help me please?';

function connect(url) {
  return new Promise((resolve, reject) => {
    const socket = io(`${url}/messenger`, { transports: ['websocket'], forceNew: true, reconnection: false, timeout: 20_000 });
    socket.once('session', () => resolve(socket));
    socket.once('connect_error', (err) => reject(new Error(`connect_error: ${err.message}`)));
    socket.once('disconnect', (reason) => reject(new Error(`disconnected before session: ${reason}`)));
  });
}

async function connectAll() {
  const sockets = new Array(cfg.clients);
  let next = 0;
  const worker = async () => {
    while (next < cfg.clients) {
      const i = next++;
      sockets[i] = await connect(cfg.urls[i % cfg.urls.length]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(cfg.connectConcurrency, cfg.clients) }, worker));
  return sockets;
}

async function runSend(sockets) {
  const tag = `${process.pid.toString(36)}${Date.now().toString(36)}`;
  let seq = 0;
  let measuring = false;
  let windowStart = 0;
  let windowEnd = Infinity;
  let stopped = false;
  let acked = 0; // ok acks received inside the window
  let errors = 0;
  let outstanding = 0;
  let shed = 0; // open loop only: sends skipped because maxOutstanding were unanswered
  const errorCodes = {};
  const latencies = [];

  // `from` is when the send was due (open loop) or issued (closed loop).
  const send = (socket, from, onAck) => {
    outstanding++;
    socket.emit('message:send', { clientId: `${tag}-${++seq}`, body }, (res) => {
      const now = performance.now();
      outstanding--;
      if (res?.ok) {
        if (now >= windowStart && now <= windowEnd) acked++;
        if (measuring && from >= windowStart && from <= windowEnd) latencies.push(now - from);
      } else {
        errors++;
        const code = res?.error?.code ?? 'unknown';
        errorCodes[code] = (errorCodes[code] ?? 0) + 1;
      }
      onAck?.();
    });
  };

  const t0 = performance.now();
  windowStart = t0 + cfg.warmupMs;
  windowEnd = windowStart + cfg.durationMs;
  measuring = true;
  // The orchestrator reads the servers' CPU time at these marks: CPU per message in the window.
  const mark = (name) => process.stdout.write(`${JSON.stringify({ mark: name })}\n`);
  setTimeout(() => mark('window-start'), cfg.warmupMs);

  if (cfg.rate > 0) {
    // Open loop, spread round-robin over the clients. A server far behind the schedule would
    // only pile up a backlog: past maxOutstanding unanswered, count instead of sending.
    let rr = 0;
    await openLoop({ t0, rate: cfg.rate, until: windowEnd }, (at) => {
      if (outstanding >= cfg.maxOutstanding) shed++;
      else send(sockets[rr++ % sockets.length], at);
    });
  } else {
    const loop = (socket) => {
      if (stopped) return;
      send(socket, performance.now(), () => loop(socket));
    };
    for (const socket of sockets) for (let k = 0; k < cfg.inflight; k++) loop(socket);
    await new Promise((resolve) => setTimeout(resolve, windowEnd - performance.now()));
  }
  mark('window-end');
  stopped = true;
  // Let the sends of the window finish (bounded) so their latency is counted.
  const drainUntil = performance.now() + 5000;
  while (outstanding > 0 && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 10));
  return {
    sendsPerSec: Math.round((acked / cfg.durationMs) * 1000),
    latencyMs: summarize(latencies),
    errors,
    errorCodes,
    unanswered: outstanding,
    shed,
    clients: sockets.length,
    inflight: cfg.rate > 0 ? null : cfg.inflight,
    targetRate: cfg.rate || null,
    durationMs: cfg.durationMs,
  };
}

const started = performance.now();
const sockets = await connectAll();
const connectMs = Math.round(performance.now() - started);
if (cfg.mode === 'idle') {
  process.stdout.write(`${JSON.stringify({ connected: sockets.length, connectMs })}\n`);
  process.stdin.resume();
  process.stdin.once('end', () => process.exit(0));
} else {
  const result = await runSend(sockets);
  for (const s of sockets) s.disconnect();
  process.stdout.write(`${JSON.stringify({ ...result, connectMs })}\n`);
  process.exit(0);
}
