// The send path (core + SQLite store) with 20 typical protection rules against none,
// alternated so drift in background load hits both alike.
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { runScript } from '../lib/procs.mjs';
import { median, ratio } from '../lib/stats.mjs';

export async function protection(ctx) {
  ctx.log('protection rules: send cost, 0 vs 20 rules');
  const bundle = join(ctx.root, 'bench/.snapshot/core-sqlite.mjs');
  await esbuild.build({
    stdin: { contents: "export { openSqliteStore } from './server/store/sqlite/open.ts'; export { Core } from './server/core/core.ts';", resolveDir: ctx.root, loader: 'ts' },
    outfile: bundle, bundle: true, platform: 'node', format: 'esm', packages: 'external', logLevel: 'error',
  });
  const runs = { none: [], twenty: [] };
  for (let i = 0; i < 2; i++) {
    for (const [key, rules] of [['none', 0], ['twenty', 20]]) {
      runs[key].push(await runScript(join(ctx.root, 'bench/protection-send.mjs'), { bundle, rules, contacts: ctx.clients, inflight: ctx.inflight, durationMs: Math.min(ctx.durationMs, 4000) }, { cpus: ctx.cpus.server }));
    }
  }
  const us = (key) => median(runs[key].map((r) => r.usPerSend));
  const cpu = (key) => median(runs[key].map((r) => r.cpuUsPerSend));
  // The real send path (server process, socket.io visitors): server CPU time per acked message.
  ctx.log('protection rules: real send path, server CPU per message, 0 vs 20 rules');
  const e2e = await runScript(join(ctx.root, 'bench/protection-e2e.mjs'), { server: ctx.parleyScript, durationMs: Math.min(ctx.durationMs, 4000) }, { timeoutMs: 300_000 });
  return { noRulesUsPerSend: us('none'), twentyRulesUsPerSend: us('twenty'), noRulesCpuUsPerSend: cpu('none'), twentyRulesCpuUsPerSend: cpu('twenty'), costRatio: ratio(cpu('twenty') ?? us('twenty'), cpu('none') ?? us('none'), 2), runs, e2e };
}
