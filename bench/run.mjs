// `npm run bench`: Parley against a bare socket.io server in the same run, so machine noise
// cancels in the ratios. Prints one JSON object and rewrites the generated part of
// bench/RESULTS.md. Options: --phases=send,store,protection,pg,block,memory,cold,bundle (default all),
// --duration=ms per measured phase, --profile (Parley runs under --cpu-prof, into bench/profiles/),
// --server=path/to/bundle.js (A/B: another server bundle in place of dist/server.js).
import { mkdtempSync, rmSync, readFileSync, existsSync, mkdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import * as esbuild from 'esbuild';
import { BASELINE, BLOCK_PROBE, LOAD_CLIENT, NO_LIMITS, PARLEY as BUILT, freePort, holdIdle, rss, runScript, sleep, startServer } from './lib/procs.mjs';
import { median, ratio } from './lib/stats.mjs';
import { floorBundle } from './floor-bundle.mjs';
import { machine, writeResults } from './lib/report.mjs';

const root = new URL('../', import.meta.url).pathname;
const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')).map(([k, v]) => [k, v ?? true]));
const phases = new Set(String(args.phases ?? 'send,store,protection,pg,block,memory,cold,bundle').split(','));
const DURATION = Number(args.duration ?? 8000);
const CLIENTS = 200;
const INFLIGHT = 8;
const IDLE = 2000;
const PG_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const nodeArgs = args.profile ? ['--cpu-prof', `--cpu-prof-dir=${root}bench/profiles`] : [];
const log = (...m) => process.stderr.write(`[bench] ${m.join(' ')}\n`);

const tmp = mkdtempSync(join(tmpdir(), 'parley-bench-'));
// A private copy of the server bundle: a concurrent `npm test` rebuilding dist/ cannot swap
// it mid-run, and profiles keep matching line numbers (node_modules resolve from the repo).
const PARLEY = join(root, 'bench/.snapshot/server.js');
mkdirSync(join(root, 'bench/.snapshot'), { recursive: true });
// --server=path runs another bundle (an A/B experiment) in place of dist/server.js.
const source = args.server ? resolve(String(args.server)) : BUILT;
if (source !== PARLEY) copyFileSync(source, PARLEY);
if (source !== PARLEY && existsSync(`${source}.map`)) copyFileSync(`${source}.map`, `${PARLEY}.map`);
const secrets = { PARLEY_API_KEY: `pk_bench_${randomBytes(12).toString('hex')}`, PARLEY_SECRET: randomBytes(32).toString('hex') };
let dbSeq = 0;
const common = { ...NO_LIMITS, ...secrets, PARLEY_PUBLIC_DIR: join(root, 'dist/public') };
const sqliteEnv = () => ({ ...common, DATABASE_URL: join(tmp, `parley-${++dbSeq}.db`) });
const startParley = (env) => startServer(PARLEY, env, { nodeArgs });

const load = (urls, extra = {}) =>
  runScript(LOAD_CLIENT, { urls, clients: CLIENTS, inflight: INFLIGHT, mode: 'send', warmupMs: 1500, durationMs: DURATION, ...extra });

/** Saturation, then open loop at half the baseline's saturated rate. */
async function sendPhases(name, urls, halfRate) {
  log(name, 'saturation');
  const saturation = await load(urls);
  const rate = halfRate ?? Math.round(saturation.sendsPerSec / 2);
  log(name, `50% load (${rate}/s)`);
  const half = await load(urls, { rate });
  return { saturation, half };
}

async function withPgSchema(fn) {
  const schema = `parley_bench_${randomBytes(5).toString('hex')}`;
  try {
    return await fn(schema);
  } finally {
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  }
}

/** RSS of a fresh server before and after IDLE idle visitor connections (two client processes). */
async function idleMemory(server) {
  await sleep(1500);
  const before = median([rss(server.pid), (await sleep(300), rss(server.pid)), (await sleep(300), rss(server.pid))]);
  const holders = [holdIdle([server.url], IDLE / 2), holdIdle([server.url], IDLE / 2)];
  try {
    const ready = await Promise.all(holders.map((h) => h.ready));
    await sleep(3000);
    const after = median([rss(server.pid), (await sleep(500), rss(server.pid)), (await sleep(500), rss(server.pid))]);
    return { connections: ready.reduce((n, r) => n + r.connected, 0), rssBeforeBytes: before, rssAfterBytes: after, bytesPerConnection: Math.round((after - before) / IDLE) };
  } finally {
    await Promise.all(holders.map((h) => h.close()));
  }
}

/** Spawn → first 200 from /healthz, polled every 5 ms from the moment of the spawn. */
async function coldStart(script, envFor, runs = 5) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const port = await freePort();
    const t0 = performance.now();
    const server = startServer(script, { ...envFor(), PORT: String(port) });
    server.catch(() => {});
    let ms = null;
    while (performance.now() - t0 < 10_000) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`);
        await res.arrayBuffer();
        if (res.status === 200) { ms = performance.now() - t0; break; }
      } catch { /* not listening yet */ }
      await sleep(5);
    }
    await (await server).stop();
    times.push(ms === null ? null : Math.round(ms));
  }
  return { runsMs: times, medianMs: median(times.filter((t) => t !== null)), maxMs: Math.max(...times.map((t) => t ?? Infinity)) };
}

const result = { startedAt: new Date().toISOString(), machine: machine(), settings: { clients: CLIENTS, inflight: INFLIGHT, durationMs: DURATION, warmupMs: 1500, idleConnections: IDLE, transport: 'websocket', rateLimits: 'off' } };
const started = performance.now();

try {
  if (phases.has('send') || phases.has('pg')) {
    const baseline = await startServer(BASELINE);
    try {
      result.baseline = await sendPhases('baseline', [baseline.url]);
    } finally {
      await baseline.stop();
    }
  }
  const halfRate = result.baseline ? Math.round(result.baseline.saturation.sendsPerSec / 2) : undefined;

  if (phases.has('send') || phases.has('block')) {
    const parley = await startParley(sqliteEnv());
    try {
      // Blocks first: an overloaded send phase would leave a backlog behind.
      if (phases.has('block')) {
        log('block propagation, 1 process');
        result.block1 = await runScript(BLOCK_PROBE, { visitorUrl: parley.url, apiUrl: parley.url, apiKey: secrets.PARLEY_API_KEY, blocks: 200 });
      }
      if (phases.has('send')) result.sqlite1 = await sendPhases('sqlite 1 process', [parley.url], halfRate);
    } finally {
      await parley.stop();
    }
  }

  if (phases.has('store')) {
    // The SQLite store alone, same shape of load, no sockets: the part of a send that
    // persisting costs, to compare with what the bare server spends on a whole send.
    log('sqlite store alone');
    const bundle = join(root, 'bench/.snapshot/sqlite-store.mjs');
    await esbuild.build({ entryPoints: [join(root, 'server/store/sqlite/open.ts')], outfile: bundle, bundle: true, platform: 'node', format: 'esm', packages: 'external', logLevel: 'error' });
    result.storeOnly = await runScript(join(root, 'bench/store-append.mjs'), { bundle, contacts: CLIENTS, inflight: INFLIGHT, durationMs: Math.min(DURATION, 5000) });
  }

  if (phases.has('protection')) {
    // The core's send path (SQLite store, no sockets), 20 typical protection rules against none,
    // alternated so drift in background load hits both alike.
    log('protection rules: send cost, 0 vs 20 rules');
    const bundle = join(root, 'bench/.snapshot/core-sqlite.mjs');
    await esbuild.build({
      stdin: { contents: "export { openSqliteStore } from './server/store/sqlite/open.ts'; export { Core } from './server/core/core.ts';", resolveDir: root, loader: 'ts' },
      outfile: bundle, bundle: true, platform: 'node', format: 'esm', packages: 'external', logLevel: 'error',
    });
    const runs = { none: [], twenty: [] };
    for (let i = 0; i < 2; i++) {
      for (const [key, rules] of [['none', 0], ['twenty', 20]]) {
        runs[key].push(await runScript(join(root, 'bench/protection-send.mjs'), { bundle, rules, contacts: CLIENTS, inflight: INFLIGHT, durationMs: Math.min(DURATION, 4000) }));
      }
    }
    const us = (key) => median(runs[key].map((r) => r.usPerSend));
    result.protection = { noRulesUsPerSend: us('none'), twentyRulesUsPerSend: us('twenty'), runs };
    // The real send path (server process, socket.io visitors): server CPU time per acked message.
    log('protection rules: real send path, server CPU per message, 0 vs 20 rules');
    result.protection.e2e = await runScript(join(root, 'bench/protection-e2e.mjs'), { server: PARLEY, durationMs: Math.min(DURATION, 4000) }, { timeoutMs: 300_000 });
  }

  if (result.baseline && (result.sqlite1 || phases.has('pg'))) {
    // The machine is shared: measure the baseline again after Parley and compare against the
    // mean of both, so a drift in background load does not favour either side.
    const baseline = await startServer(BASELINE);
    try {
      log('baseline saturation, repeat');
      result.baseline.saturationRepeat = await load([baseline.url]);
    } finally {
      await baseline.stop();
    }
    const runs = [result.baseline.saturation, result.baseline.saturationRepeat];
    result.baseline.sendsPerSec = Math.round((runs[0].sendsPerSec + runs[1].sendsPerSec) / 2);
  }

  if (phases.has('pg') || phases.has('block')) {
    await withPgSchema(async (schema) => {
      const env = { ...common, DATABASE_URL: PG_URL, PARLEY_DB_SCHEMA: schema, REDIS_URL };
      const a = await startParley(env); // runs the migrations first
      const b = await startParley(env).catch(async (err) => { await a.stop(); throw err; });
      try {
        if (phases.has('block')) {
          log('block propagation, 2 processes');
          result.block2 = await runScript(BLOCK_PROBE, { visitorUrl: b.url, apiUrl: a.url, apiKey: secrets.PARLEY_API_KEY, blocks: 200 });
        }
        if (phases.has('pg')) result.pg2 = await sendPhases('postgres+redis 2 processes', [a.url, b.url], halfRate);
      } finally {
        await Promise.all([a.stop(), b.stop()]);
      }
    });
  }

  if (phases.has('memory')) {
    for (const [key, start] of [['baseline', () => startServer(BASELINE)], ['parley', () => startParley(sqliteEnv())]]) {
      log('idle memory', key);
      const server = await start();
      try {
        (result.memory ??= {})[key] = await idleMemory(server);
      } finally {
        await server.stop();
      }
    }
  }

  if (phases.has('cold')) {
    log('cold start');
    result.coldStart = { parley: await coldStart(PARLEY, sqliteEnv), baseline: await coldStart(BASELINE, () => ({})) };
  }

  if (phases.has('bundle')) {
    const sizesFile = join(root, 'dist/sizes.json');
    const widget = existsSync(sizesFile) ? JSON.parse(readFileSync(sizesFile, 'utf8')) : {};
    const pick = (prefix) => Object.entries(widget).find(([f]) => f.startsWith(prefix))?.[1] ?? null;
    const loader = pick('widget.js');
    const app = pick('widget-app');
    const total = loader && app ? { raw: loader.raw + app.raw, gzip: loader.gzip + app.gzip, brotli: loader.brotli + app.brotli } : null;
    const floor = await floorBundle();
    result.bundle = { widgetLoader: loader, widgetApp: app, widgetTotal: total, floor, floorAllTransports: await floorBundle({ websocketOnlyTransport: false }), widgetOverFloorGzip: ratio(total?.gzip, floor.gzip) };
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

const base = result.baseline && { sendsPerSec: result.baseline.sendsPerSec ?? result.baseline.saturation.sendsPerSec };
const targets = {};
const target = (name, value, op, limit) => (targets[name] = { value, target: `${op} ${limit}`, pass: value == null ? null : op === '>=' ? value >= limit : value <= limit });
if (result.sqlite1 && base) {
  result.sqlite1.throughputRatio = ratio(result.sqlite1.saturation.sendsPerSec, base.sendsPerSec);
  result.sqlite1.halfLoadP99Ratio = ratio(result.sqlite1.half.latencyMs.p99, result.baseline.half.latencyMs.p99, 2);
  target('sqlite1ThroughputVsBaseline', result.sqlite1.throughputRatio, '>=', 0.8);
  target('sqlite1HalfLoadP99VsBaseline', result.sqlite1.halfLoadP99Ratio, '<=', 2);
}
if (result.pg2 && base) {
  result.pg2.throughputRatio = ratio(result.pg2.saturation.sendsPerSec, base.sendsPerSec);
  result.pg2.halfLoadP99Ratio = ratio(result.pg2.half.latencyMs.p99, result.baseline.half.latencyMs.p99, 2);
  target('pg2ThroughputVsBaseline', result.pg2.throughputRatio, '>=', 0.5);
}
// A whole Parley send costs a bare send plus the store's append on the same thread, so
// 1 / (1 / bare + 1 / storeOnly) is the most one process can do, before any other work.
if (result.storeOnly && base) {
  result.storeOnlyVsBaseline = ratio(result.storeOnly.appendsPerSec, base.sendsPerSec);
  result.storeOnly.ceilingRatio = ratio(1 / (1 + base.sendsPerSec / result.storeOnly.appendsPerSec), 1);
}
if (result.protection) {
  result.protection.costRatio = ratio(result.protection.twentyRulesUsPerSend, result.protection.noRulesUsPerSend, 2);
  target('protection20RulesSendCost', result.protection.e2e.cpuRatio, '<=', 1.1);
}
if (result.block1) target('block1P99Ms', result.block1.propagationMs.p99, '<=', 50);
if (result.block2) target('block2P99Ms', result.block2.propagationMs.p99, '<=', 100);
if (result.memory) {
  result.memory.ratio = ratio(result.memory.parley.bytesPerConnection, result.memory.baseline.bytesPerConnection, 2);
  target('idleMemoryVsBaseline', result.memory.ratio, '<=', 1.3);
}
if (result.coldStart) target('coldStartMs', result.coldStart.parley.medianMs, '<=', 1000);
result.targets = targets;
result.wallSeconds = Math.round((performance.now() - started) / 1000);

process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
if (phases.size >= 6 || args.write) writeResults(join(root, 'bench/RESULTS.md'), result);
