// The SQLite store alone, same shape of load as the load client, no sockets: the part of a
// send that persisting costs. Wall and CPU µs per append; with `--callgrind`, instructions
// per append too (valgrind: the count of 2N appends minus that of N, divided by N), which a
// busy machine does not change at all.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { SERVER_FLAGS, runScript } from '../lib/procs.mjs';

async function bundleStore(root) {
  const bundle = join(root, 'bench/.snapshot/sqlite-store.mjs');
  await esbuild.build({ entryPoints: [join(root, 'server/store/sqlite/open.ts')], outfile: bundle, bundle: true, platform: 'node', format: 'esm', packages: 'external', logLevel: 'error' });
  return bundle;
}

/** Instructions (valgrind's "Collected") of one store-append run doing `count` appends. */
function instructions(root, config) {
  const r = spawnSync('valgrind', ['--tool=callgrind', '--callgrind-out-file=/dev/null', process.execPath, join(root, 'bench/store-append.mjs'), JSON.stringify(config)], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const m = /Collected : (\d+)/.exec(r.stderr ?? '');
  if (r.status !== 0 || !m) throw new Error(`callgrind run failed (${r.status}):\n${(r.stderr ?? '').slice(-2000)}`);
  return Number(m[1]);
}

export async function storeAlone(ctx) {
  ctx.log('sqlite store alone');
  const bundle = await bundleStore(ctx.root);
  const config = { bundle, contacts: ctx.clients, inflight: ctx.inflight };
  const runs = [];
  for (let i = 0; i < ctx.storeRuns; i++) runs.push(await runScript(join(ctx.root, 'bench/store-append.mjs'), { ...config, durationMs: Math.min(ctx.durationMs, 5000) }, { cpus: ctx.cpus.server, nodeArgs: SERVER_FLAGS }));
  const best = (key) => Math.min(...runs.map((r) => r[key]));
  const result = { runs, usPerAppend: best('usPerAppend'), cpuUsPerAppend: best('cpuUsPerAppend'), appendsPerSec: Math.max(...runs.map((r) => r.appendsPerSec)) };
  // The floor: the same rows by a bare prepared INSERT each, in transactions of the size the
  // group commits just had: with the table's indexes as shipped, with only those a visitor's
  // send and page view read (the console's per-conversation index dropped), and with none.
  const batch = Math.max(1, Math.round(runs.reduce((a, r) => a + r.meanBatch, 0) / runs.length));
  result.floor = [];
  for (const drop of [[], ['messages_conversation'], ['messages_conversation', 'messages_contact', 'messages_client_id']]) {
    ctx.log(`sqlite insert floor (dropped: ${drop.join(', ') || 'none'}; ${batch} per transaction)`);
    const floorRuns = [];
    for (let i = 0; i < ctx.storeRuns; i++) floorRuns.push(await runScript(join(ctx.root, 'bench/store-floor.mjs'), { bundle, contacts: ctx.clients, inflight: ctx.inflight, batch, drop }, { cpus: ctx.cpus.server, nodeArgs: SERVER_FLAGS }));
    result.floor.push({ dropped: drop, batch, runs: floorRuns, cpuUsPerInsert: Math.min(...floorRuns.map((r) => r.cpuUsPerInsert)), usPerInsert: Math.min(...floorRuns.map((r) => r.usPerInsert)) });
  }
  if (ctx.callgrind) {
    ctx.log('sqlite store alone under callgrind (slow)');
    const n = ctx.callgrindAppends;
    const small = instructions(ctx.root, { ...config, count: n });
    const large = instructions(ctx.root, { ...config, count: 2 * n });
    result.callgrind = { appends: n, instructionsN: small, instructions2N: large, instructionsPerAppend: Math.round((large - small) / n) };
  }
  return result;
}
