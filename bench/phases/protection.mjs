// The cost of 20 typical protection rules per visitor message, against none, in one run.
// The figure is the real send path's (bench/protection-e2e.mjs: a server process, socket.io
// visitors, server CPU per acked message over many short alternated rounds). Beside it, the
// core + SQLite store alone: CPU µs per send over timed runs alternated like the real path's;
// with `--callgrind`, instructions per send instead (the count of 2N sends minus that of N,
// divided by N), which other work on the machine does not change (some minutes more). It is
// not exact: when V8 collects and compiles still moves it (the path without rules read 108k,
// 134k and 160k instructions per send in three runs at N = 3,200), so read it beside the CPU figure.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { runScript } from '../lib/procs.mjs';
import { median, ratio } from '../lib/stats.mjs';

/** Instructions (valgrind's "Collected") of one protection-send run doing `count` sends. */
function instructions(root, config) {
  return new Promise((resolve, reject) => {
    const child = spawn('valgrind', ['--tool=callgrind', '--callgrind-out-file=/dev/null', process.execPath, join(root, 'bench/protection-send.mjs'), JSON.stringify(config)], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c) => (err += c));
    child.once('exit', (code) => {
      const m = /Collected : (\d+)/.exec(err);
      if (code !== 0 || !m) reject(new Error(`callgrind run failed (${code}):\n${err.slice(-2000)}`));
      else resolve(Number(m[1]));
    });
  });
}

async function coreCallgrind(ctx, config) {
  const n = ctx.callgrindAppends;
  // Two at a time (an instruction count does not depend on sharing the CPUs).
  const count = async (rules) => {
    const [small, large] = await Promise.all([instructions(ctx.root, { ...config, rules, count: n }), instructions(ctx.root, { ...config, rules, count: 2 * n })]);
    return { instructionsN: small, instructions2N: large, instructionsPerSend: Math.round((large - small) / n) };
  };
  const none = await count(0);
  const twenty = await count(20);
  return { sends: n, none, twenty, instructionRatio: ratio(twenty.instructionsPerSend, none.instructionsPerSend, 3) };
}

async function coreTimed(ctx, config) {
  const runs = { none: [], twenty: [] };
  for (let i = 0; i < 3; i++) {
    const order = i % 2 ? [['twenty', 20], ['none', 0]] : [['none', 0], ['twenty', 20]];
    for (const [key, rules] of order) runs[key].push(await runScript(join(ctx.root, 'bench/protection-send.mjs'), { ...config, rules, durationMs: Math.min(ctx.durationMs, 3000) }, { cpus: ctx.cpus.server }));
  }
  const us = (key) => median(runs[key].map((r) => r.usPerSend));
  const cpu = (key) => median(runs[key].map((r) => r.cpuUsPerSend));
  return { noRulesUsPerSend: us('none'), twentyRulesUsPerSend: us('twenty'), noRulesCpuUsPerSend: cpu('none'), twentyRulesCpuUsPerSend: cpu('twenty'), costRatio: ratio(cpu('twenty'), cpu('none'), 2), runs };
}

export async function protection(ctx) {
  const bundle = join(ctx.root, 'bench/.snapshot/core-sqlite.mjs');
  await esbuild.build({
    stdin: { contents: "export { openSqliteStore } from './server/store/sqlite/open.ts'; export { Core } from './server/core/core.ts';", resolveDir: ctx.root, loader: 'ts' },
    outfile: bundle, bundle: true, platform: 'node', format: 'esm', packages: 'external', logLevel: 'error',
  });
  const config = { bundle, contacts: ctx.clients, inflight: ctx.inflight };
  // The real send path (server process, socket.io visitors): server CPU time per acked message.
  ctx.log('protection rules: real send path, server CPU per message, 0 vs 20 rules');
  const e2e = await runScript(join(ctx.root, 'bench/protection-e2e.mjs'), { server: ctx.parleyScript, serverCpus: ctx.cpus.server }, { timeoutMs: 300_000, cpus: ctx.cpus.client });
  if (ctx.callgrind) {
    ctx.log('protection rules: core + SQLite store under callgrind, instructions per send, 0 vs 20 rules (slow)');
    return { callgrind: await coreCallgrind(ctx, config), e2e };
  }
  ctx.log('protection rules: core + SQLite store, CPU per send, 0 vs 20 rules');
  return { ...(await coreTimed(ctx, config)), e2e };
}
