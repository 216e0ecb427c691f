// The real send path with the 20 typical protection rules against none: a Parley server
// process (SQLite, rate limits off) and socket.io visitors sending acked messages, each from
// its own address (X-Forwarded-For behind PARLEY_TRUST_PROXY=1, as behind a proxy). One server
// for the whole run: rounds alternate no rules / the 20 rules (created, then deleted, over the
// REST API), with load running throughout, so drift in background load hits both alike.
// What counts is the server's CPU time per acked message (utime + stime from /proc/<pid>/stat
// over each round's window): unlike a rate, it holds on a machine shared with other work.
// On a noisy machine one long round can land on a burst of other work: many short rounds,
// in pairs ordered none/20, 20/none, none/20… (a steady drift then favours neither side), and
// the median of the pairs' ratios is the figure. `serverCpus` pins the server (taskset).
// Then the same pairs again in open loop at one rate for both (`equalRate`, half of the
// rule-free rate just measured): the rules' cost per message with the group commits alike.
// Config (JSON argument): { server, pairs, clients, inflight, warmupMs, settleMs, durationMs, serverCpus, profileDir, pick }.
// Prints one JSON line.
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { io } from 'socket.io-client';
import { NO_LIMITS, PARLEY, sleep, startServer } from './lib/procs.mjs';
import { TYPICAL, benchBody } from './lib/protection-typical.mjs';
import { median, ratio } from './lib/stats.mjs';

const cfg = { server: PARLEY, pairs: 11, clients: 40, inflight: 8, warmupMs: 1500, settleMs: 500, durationMs: 1500, ...JSON.parse(process.argv[2] ?? '{}') };
const TICK_US = 1e6 / 100; // USER_HZ: 100 on Linux

/** CPU time the process has used so far, in µs (fields 14 and 15 of /proc/<pid>/stat, after the name). */
const cpuUs = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').pop().split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_US;
};

const root = new URL('../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'parley-protection-e2e-'));
const apiKey = `pk_bench_${randomBytes(12).toString('hex')}`;
const parley = await startServer(cfg.server, {
  ...NO_LIMITS, PARLEY_API_KEY: apiKey, PARLEY_SECRET: randomBytes(32).toString('hex'), PARLEY_TRUST_PROXY: '1', DATABASE_URL: join(dir, 'bench.db'), PARLEY_PUBLIC_DIR: join(root, 'dist/public'),
}, { nodeArgs: cfg.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${cfg.profileDir}`] : [], cpus: cfg.serverCpus });

async function api(method, path, body) {
  const res = await fetch(`${parley.url}${path}`, {
    method, headers: { authorization: `Bearer ${apiKey}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body && JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

const connect = (i) => new Promise((resolve, reject) => {
  const socket = io(`${parley.url}/messenger`, {
    transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { 'x-forwarded-for': `10.77.${i >> 8}.${i & 255}` },
  });
  socket.once('session', () => resolve(socket));
  socket.once('connect_error', reject);
});

let acked = 0;
let failed = null;
let stop = false;
let seq = 0;
let inFlight = 0;
/** One acked send; `then` runs once it is answered. */
const send = (socket, then) => {
  const n = ++seq;
  inFlight++;
  socket.emit('message:send', { clientId: `e2e-${n}`, body: benchBody(n) }, (res) => {
    inFlight--;
    if (res?.ok) acked++;
    else failed ??= res;
    then?.();
  });
};
// Closed loop: each lane sends again as soon as it is answered.
let closed = true;
const lane = (socket) => {
  if (!stop && closed) send(socket, () => lane(socket));
};
/**
 * Open loop at `rate` sends/s over all sockets (what is due since the start, every 5 ms), at
 * most as many in flight as the closed loop had. Returns a stop function.
 */
const pace = (sockets, rate) => {
  const cap = cfg.clients * cfg.inflight;
  const t0 = performance.now();
  let sent = 0;
  const timer = setInterval(() => {
    const due = Math.floor(((performance.now() - t0) * rate) / 1000);
    while (sent < due && inFlight < cap) send(sockets[sent++ % sockets.length]);
    sent = Math.max(sent, due); // what the cap kept back is dropped, not owed
  }, 5);
  return () => clearInterval(timer);
};

// `pick` (indexes into TYPICAL) runs a subset instead: to find which rules cost.
const chosen = cfg.pick ? cfg.pick.map((i) => TYPICAL[i]) : TYPICAL;
const rounds = [];
// Share of the rule-free closed-loop rate the equal-rate pairs run at.
const EQUAL_RATE_SHARE = 0.5;
const equalRate = { share: EQUAL_RATE_SHARE, rate: null, rounds: [] };
let idleCpuShare = null;
try {
  const sockets = [];
  for (let i = 0; i < cfg.clients; i++) sockets.push(await connect(i));
  // What the server spends with nobody sending (timers, workers): part of every round's figure.
  const idle0 = [cpuUs(parley.pid), performance.now()];
  await sleep(2000);
  idleCpuShare = ratio(cpuUs(parley.pid) - idle0[0], (performance.now() - idle0[1]) * 1000, 3);
  for (const s of sockets) for (let k = 0; k < cfg.inflight; k++) lane(s);
  let ruleIds = [];
  const setRules = async (rules) => {
    if (rules) ruleIds = await Promise.all(chosen.map(async (rule, i) => (await api('POST', '/v2/protection/rules', { name: `typical ${i}`, mode: 'enforce', ...rule })).id));
    else for (const id of ruleIds.splice(0)) await api('DELETE', `/v2/protection/rules/${id}`);
  };
  // JIT and caches of both paths before the first round: the rules' path warmed only by the
  // first measured pairs made them read half as much again as the rest.
  await sleep(cfg.warmupMs);
  await setRules(chosen.length);
  await sleep(cfg.warmupMs);
  await setRules(0);
  await sleep(cfg.settleMs);
  // Pairs of rounds: none, 20 | 20, none | none, 20 …: the second round of a pair keeps the rules as they are.
  const measurePairs = async (into) => {
    for (let r = 0; r < cfg.pairs * 2; r++) {
      const rules = (r % 2) ^ (Math.floor(r / 2) % 2) ? chosen.length : 0;
      if (rules !== (ruleIds.length ? chosen.length : 0)) {
        await setRules(rules);
        await sleep(cfg.settleMs); // the rule change's own requests, and the first messages' compile
      }
      const [c0, a0, t0] = [cpuUs(parley.pid), acked, performance.now()];
      await sleep(cfg.durationMs);
      const [c1, a1, t1] = [cpuUs(parley.pid), acked, performance.now()];
      if (failed) throw new Error(`a send failed: ${JSON.stringify(failed)}`);
      into.push({ rules, sendsPerSec: Math.round(((a1 - a0) * 1000) / (t1 - t0)), cpuUsPerMessage: Math.round(((c1 - c0) / (a1 - a0)) * 10) / 10, cpuShare: ratio(c1 - c0, (t1 - t0) * 1000, 2) });
      process.stderr.write(`[protection-e2e] ${JSON.stringify(into.at(-1))}\n`);
    }
  };
  await measurePairs(rounds);
  // The same pairs at one rate for both, below the rule-free capacity: at saturation the rules'
  // lower rate also means smaller group commits, whose cost per message then rises, so the
  // saturated figure mixes the rules' own cost with the commit's. Here both commit alike.
  closed = false;
  while (inFlight > 0) await sleep(5);
  equalRate.rate = Math.round(median(rounds.filter((r) => r.rules === 0).map((r) => r.sendsPerSec)) * EQUAL_RATE_SHARE);
  const stopPacing = pace(sockets, equalRate.rate);
  await sleep(cfg.settleMs);
  await measurePairs(equalRate.rounds);
  stopPacing();
  stop = true;
  const drained = performance.now() + 5000;
  while (inFlight > 0 && performance.now() < drained) await sleep(10);
  // Every message was stored: none held, no rule matched (a held message is acked like a stored one).
  const [held, events] = await Promise.all([api('GET', '/v2/protection/held'), api('GET', '/v2/protection/events')]);
  if (held.data.length || events.data.length) throw new Error(`the bench's messages met a rule: ${JSON.stringify({ held: held.data[0], event: events.data[0] })}`);
  for (const s of sockets) s.disconnect();
} finally {
  await parley.stop();
  rmSync(dir, { recursive: true, force: true });
}
/** Medians per side and each pair's ratio (with rules over without) of a set of rounds. */
const summary = (rs) => {
  const cpu = (rules) => median(rs.filter((r) => r.rules === rules).map((r) => r.cpuUsPerMessage));
  const rate = (rules) => median(rs.filter((r) => r.rules === rules).map((r) => r.sendsPerSec));
  const pairRatios = [];
  for (let i = 0; i + 1 < rs.length; i += 2) {
    const [withRules, without] = rs[i].rules ? [rs[i], rs[i + 1]] : [rs[i + 1], rs[i]];
    pairRatios.push(ratio(withRules.cpuUsPerMessage, without.cpuUsPerMessage, 3));
  }
  return {
    noRulesCpuUsPerMessage: cpu(0), twentyRulesCpuUsPerMessage: cpu(chosen.length),
    noRulesSendsPerSec: rate(0), twentyRulesSendsPerSec: rate(chosen.length),
    // The median of the pairs' ratios: a round that met a burst of other work moves one pair, not the figure.
    cpuRatio: median(pairRatios),
    ratioOfMedians: ratio(cpu(chosen.length), cpu(0), 3),
    pairRatios,
    rounds: rs,
  };
};
process.stdout.write(`${JSON.stringify({
  clients: cfg.clients, inflight: cfg.inflight, durationMs: cfg.durationMs, idleCpuShare,
  ...summary(rounds),
  equalRate: { share: equalRate.share, rate: equalRate.rate, ...summary(equalRate.rounds) },
})}\n`);
