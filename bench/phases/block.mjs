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
