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
const lane = (socket) => {
  if (stop) return;
  const n = ++seq;
  inFlight++;
  socket.emit('message:send', { clientId: `e2e-${n}`, body: benchBody(n) }, (res) => {
    inFlight--;
    if (res?.ok) acked++;
    else failed ??= res;
    lane(socket);
  });
};

// `pick` (indexes into TYPICAL) runs a subset instead: to find which rules cost.
const chosen = cfg.pick ? cfg.pick.map((i) => TYPICAL[i]) : TYPICAL;
const rounds = [];
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
  for (let r = 0; r < cfg.pairs * 2; r++) {
    // none, 20 | 20, none | none, 20 …: the second round of a pair keeps the rules as they are.
    const rules = (r % 2) ^ (Math.floor(r / 2) % 2) ? chosen.length : 0;
    if (rules !== (ruleIds.length ? chosen.length : 0)) {
      await setRules(rules);
      await sleep(cfg.settleMs); // the rule change's own requests, and the first messages' compile
    }
    const [c0, a0, t0] = [cpuUs(parley.pid), acked, performance.now()];
    await sleep(cfg.durationMs);
    const [c1, a1, t1] = [cpuUs(parley.pid), acked, performance.now()];
    if (failed) throw new Error(`a send failed: ${JSON.stringify(failed)}`);
    rounds.push({ rules, sendsPerSec: Math.round(((a1 - a0) * 1000) / (t1 - t0)), cpuUsPerMessage: Math.round(((c1 - c0) / (a1 - a0)) * 10) / 10, cpuShare: ratio(c1 - c0, (t1 - t0) * 1000, 2) });
    process.stderr.write(`[protection-e2e] ${JSON.stringify(rounds.at(-1))}\n`);
  }
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
const cpu = (rules) => median(rounds.filter((r) => r.rules === rules).map((r) => r.cpuUsPerMessage));
const rate = (rules) => median(rounds.filter((r) => r.rules === rules).map((r) => r.sendsPerSec));
// Each pair's rounds: with rules over without.
const pairRatios = [];
for (let i = 0; i + 1 < rounds.length; i += 2) {
  const [withRules, without] = rounds[i].rules ? [rounds[i], rounds[i + 1]] : [rounds[i + 1], rounds[i]];
  pairRatios.push(ratio(withRules.cpuUsPerMessage, without.cpuUsPerMessage, 3));
}
process.stdout.write(`${JSON.stringify({
  clients: cfg.clients, inflight: cfg.inflight, durationMs: cfg.durationMs, idleCpuShare,
  noRulesCpuUsPerMessage: cpu(0), twentyRulesCpuUsPerMessage: cpu(chosen.length),
  noRulesSendsPerSec: rate(0), twentyRulesSendsPerSec: rate(chosen.length),
  // The median of the pairs' ratios: a round that met a burst of other work moves one pair, not the figure.
  cpuRatio: median(pairRatios),
  ratioOfMedians: ratio(cpu(chosen.length), cpu(0), 3),
  pairRatios,
  rounds,
})}\n`);
