// Bare socket.io and Parley at saturation in alternated pairs of short windows, both servers
// up the whole time and only one loaded at once (order flipped each pair): minute-to-minute
// jitter on a shared machine then tilts neither side, and the median of the pairs' ratios is
// the figure the targets are read against. One pair set for message:send, one for page views.
import { CHURN_CLIENT, LOAD_CLIENT, runScript } from '../lib/procs.mjs';
import { loadWithCpu, cpuPerOp } from '../lib/measure.mjs';
import { median, ratio } from '../lib/stats.mjs';

const WINDOW_MS = 3000;

/** What one closed-loop window of each kind gives: rate and CPU µs per operation. */
const KINDS = {
  send: {
    script: LOAD_CLIENT,
    config: (ctx, url) => ({ urls: [url], clients: ctx.clients, inflight: ctx.inflight, mode: 'send' }),
    read: (r) => ({ perSec: r.sendsPerSec, cpuUs: cpuPerOp(r.cpuSec, (r.sendsPerSec * r.durationMs) / 1000)?.total ?? null, errors: r.errors }),
  },
  churn: {
    script: CHURN_CLIENT,
    config: (ctx, url) => ({ urls: [url], visitors: ctx.churnVisitors, lanes: ctx.churnLanes }),
    read: (r) => ({ perSec: r.pageViewsPerSec, cpuUs: cpuPerOp(r.cpuSec, (r.pageViewsPerSec * r.durationMs) / 1000)?.total ?? null, errors: r.errors }),
  },
};

/**
 * `servers`: { bare, parley } each { url, pid }. Resolves with every pair (both sides and
 * Parley's ratios) and the medians of the ratios: rate (Parley / bare) and CPU per operation.
 */
export async function pairedSaturation(ctx, kind, servers) {
  const k = KINDS[kind];
  const window = async (name) => {
    const { url, pid } = servers[name];
    const r = await loadWithCpu(runScript, k.script, { ...k.config(ctx, url), warmupMs: ctx.warmupMs, durationMs: WINDOW_MS }, { server: [pid] }, { cpus: ctx.cpus.client });
    return k.read(r);
  };
  const pairs = [];
  for (let i = 0; i < ctx.pairs; i++) {
    const order = i % 2 === 0 ? ['bare', 'parley'] : ['parley', 'bare'];
    ctx.log(`${kind} pair ${i + 1}/${ctx.pairs}: ${order.join(' then ')}`);
    const pair = {};
    for (const name of order) pair[name] = await window(name);
    pair.rateRatio = ratio(pair.parley.perSec, pair.bare.perSec);
    pair.cpuRatio = ratio(pair.parley.cpuUs, pair.bare.cpuUs);
    pairs.push(pair);
  }
  return { windowMs: WINDOW_MS, pairs, rateRatio: median(pairs.map((p) => p.rateRatio)), cpuRatio: median(pairs.map((p) => p.cpuRatio)) };
}
