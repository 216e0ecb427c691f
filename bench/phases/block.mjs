// Block propagation: REST block → `contact:blocked` at the visitor's socket(s), and the CPU
// the server processes spend per block (read around the measured blocks).
import { BLOCK_PROBE, runScript } from '../lib/procs.mjs';
import { cpuPerOp, loadWithCpu } from '../lib/measure.mjs';

/** `blocks` samples (a p99 wants many: 1000 gives ten samples above it); `pids`: the servers. */
export async function blockPropagation(ctx, visitorUrl, apiUrl, { blocks = ctx.blocks, tabs = 1, pids = [] } = {}) {
  ctx.log(`block propagation, ${blocks} blocks × ${tabs} tab(s)`);
  const run = (script, config, opts) => runScript(script, config, { ...opts, timeoutMs: 600_000 });
  const r = await loadWithCpu(run, BLOCK_PROBE, { visitorUrl, apiUrl, apiKey: ctx.secrets.PARLEY_API_KEY, blocks, tabs, maxLifeMs: 600_000 }, { server: pids }, { cpus: ctx.cpus.client });
  return { ...r, cpuUsPerBlock: cpuPerOp(r.cpuSec, r.propagationMs.n) };
}

/**
 * Two builds on one process each, blocks taking turns between them in one probe (the order
 * flipped each round): an A/B in the same minutes, which this machine's jitter, swinging a
 * run's p50 by a third from one minute to the next, cannot tilt. `servers`: `{ name, url, pid }`.
 */
export async function blockInterleaved(ctx, servers, { blocks = ctx.blocks } = {}) {
  ctx.log(`block propagation A/B, ${blocks} blocks on each of ${servers.map((s) => s.name).join(', ')}, interleaved`);
  const run = (script, config, opts) => runScript(script, config, { ...opts, timeoutMs: 900_000 });
  const groups = Object.fromEntries(servers.map((s) => [s.name, [s.pid]]));
  const r = await loadWithCpu(run, BLOCK_PROBE, {
    targets: servers.map((s) => ({ visitorUrl: s.url, apiUrl: s.url })), apiKey: ctx.secrets.PARLEY_API_KEY, blocks, maxLifeMs: 900_000,
  }, groups, { cpus: ctx.cpus.client });
  return Object.fromEntries(servers.map((s, i) => [s.name, {
    script: s.script, ...r.perTarget[i], cpuUsPerBlock: cpuPerOp({ server: r.cpuSec?.[s.name] }, r.perTarget[i].propagationMs.n),
  }]));
}
