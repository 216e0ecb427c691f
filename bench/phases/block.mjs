// Block propagation: REST block → `contact:blocked` at the visitor's socket(s).
import { BLOCK_PROBE, runScript } from '../lib/procs.mjs';

/** `blocks` samples (a p99 wants many: 1000 gives ten samples above it). */
export function blockPropagation(ctx, visitorUrl, apiUrl, { blocks = ctx.blocks, tabs = 1 } = {}) {
  ctx.log(`block propagation, ${blocks} blocks × ${tabs} tab(s)`);
  return runScript(BLOCK_PROBE, { visitorUrl, apiUrl, apiKey: ctx.secrets.PARLEY_API_KEY, blocks, tabs, maxLifeMs: 600_000 }, { cpus: ctx.cpus.client, timeoutMs: 600_000 });
}
