// `npm run bench`: Parley against a bare socket.io server in the same run, so machine noise
// cancels in the ratios. Prints one JSON object on stdout; with --save it is also written to
// bench/results/<date>-<phases>.json and bench/RESULTS.md is regenerated from the committed
// and saved runs (bench/report.mjs). Each phase is a module in bench/phases/.
// Options:
//   --phases=send,pg,churn,block,idle,memory,store,protection,cold,bundle (default all)
//   --duration=ms per measured window (8000) · --levels=25,50,75,90 (or none) · --blocks=N (1000)
//   --idle=N idle sockets on one process (20000) · --callgrind (store: instructions/append)
//   --server=bundle.js --label=name (A/B: another server build in place of dist/server.js) · --profile
//   --block-ab=bundle.js (block phase: that build and this one on one process each, blocks interleaved)
//   --server-cpus=0 --client-cpus=1 (taskset; default: server on CPU 0, clients on the rest)
//   --pairs=N alternated bare/Parley pairs at saturation for send and churn (5)
import { mkdtempSync, rmSync, existsSync, mkdirSync, copyFileSync, writeFileSync } from 'node:fs';
import { tmpdir, availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { BASELINE, LOAD_CLIENT, NO_LIMITS, PARLEY as BUILT, SERVER_FLAGS, runScript, startServer } from './lib/procs.mjs';
import { pgBackends, redisPid } from './lib/cpu.mjs';
import { activity, machine } from './lib/machine.mjs';
import { sendSweep } from './phases/send.mjs';
import { churn } from './phases/churn.mjs';
import { pairedSaturation } from './phases/paired.mjs';
import { blockInterleaved, blockPropagation } from './phases/block.mjs';
import { manyIdle } from './phases/idle.mjs';
import { memory } from './phases/memory.mjs';
import { storeAlone } from './phases/store.mjs';
import { protection } from './phases/protection.mjs';
import { cold } from './phases/cold.mjs';
import { bundle } from './phases/bundle.mjs';
import { writeReport } from './report.mjs';

const ALL = 'send,pg,churn,block,idle,memory,store,protection,cold,bundle';
const root = new URL('../', import.meta.url).pathname;
const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')).map(([k, v]) => [k, v ?? true]));
const phases = new Set(String(args.phases ?? ALL).split(','));
const PG_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const log = (...m) => process.stderr.write(`[bench] ${m.join(' ')}\n`);
const pinned = availableParallelism() > 1;

const tmp = mkdtempSync(join(tmpdir(), 'parley-bench-'));
// A private copy of the server bundle: a concurrent `npm test` rebuilding dist/ cannot swap
// it mid-run, and profiles keep matching line numbers (node_modules resolve from the repo).
const PARLEY = join(root, 'bench/.snapshot/server.js');
mkdirSync(join(root, 'bench/.snapshot'), { recursive: true });
const source = args.server ? resolve(String(args.server)) : BUILT;
if (source !== PARLEY) copyFileSync(source, PARLEY);
if (source !== PARLEY && existsSync(`${source}.map`)) copyFileSync(`${source}.map`, `${PARLEY}.map`);
const secrets = { PARLEY_API_KEY: `pk_bench_${randomBytes(12).toString('hex')}`, PARLEY_SECRET: randomBytes(32).toString('hex') };
let dbSeq = 0;
const common = { ...NO_LIMITS, ...secrets, PARLEY_PUBLIC_DIR: join(root, 'dist/public') };
const cpus = { server: args['server-cpus'] ?? (pinned ? '0' : undefined), client: args['client-cpus'] ?? (pinned ? (availableParallelism() > 2 ? `1-${availableParallelism() - 1}` : '1') : undefined) };
const nodeArgs = args.profile ? ['--cpu-prof', `--cpu-prof-dir=${root}bench/profiles`] : [];

/** Everything a phase needs to know about this run. */
const ctx = {
  root, log, secrets, cpus, tmp,
  clients: 200, inflight: 8, warmupMs: 1500,
  durationMs: Number(args.duration ?? 8000),
  // Shares of each server's own capacity to measure latency at (`--levels=none`: capacity only).
  levels: args.levels ? String(args.levels).split(',').filter((x) => x !== 'none').map(Number) : undefined,
  blocks: Number(args.blocks ?? 1000),
  idle: Number(args.idle ?? 20_000),
  idleBlocks: Number(args['idle-blocks'] ?? 50),
  churnVisitors: 500, churnLanes: 64,
  // Alternated bare/Parley pairs at saturation (phases/paired.mjs); odd, so the median is one pair's.
  pairs: Number(args.pairs ?? 5),
  storeRuns: 3,
  callgrind: !!args.callgrind, callgrindAppends: 3200,
  parleyScript: PARLEY,
  sqliteEnv: () => ({ ...common, DATABASE_URL: join(tmp, `parley-${++dbSeq}.db`) }),
  startParley: (env, opts = {}) => startServer(PARLEY, env, { nodeArgs, cpus: cpus.server, ...opts }),
};

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

async function withServer(start, fn) {
  const server = await start();
  try {
    return await fn(server);
  } finally {
    await server.stop();
  }
}

const result = {
  startedAt: new Date().toISOString(),
  machine: machine(),
  activityBefore: activity(),
  server: args.server ? String(args.server) : 'dist/server.js',
  settings: { phases: [...phases], clients: ctx.clients, inflight: ctx.inflight, durationMs: ctx.durationMs, warmupMs: ctx.warmupMs, blocks: ctx.blocks, idleSockets: ctx.idle, churnVisitors: ctx.churnVisitors, churnLanes: ctx.churnLanes, pairs: ctx.pairs, cpus, transport: 'websocket', rateLimits: 'off', serverNodeFlags: SERVER_FLAGS },
};
const started = performance.now();

/** Runs one group of phases; a failure is recorded in the run (and logged) and the rest go on. */
async function attempt(name, fn) {
  try {
    await fn();
  } catch (err) {
    (result.failed ??= {})[name] = String(err?.message ?? err).slice(0, 2000);
    log(`${name} failed: ${String(err?.message ?? err).split('\n')[0]}`);
  }
}

try {
  if (phases.has('send') || phases.has('churn')) await attempt('baseline', async () => {
    await withServer(() => startServer(BASELINE, {}, { cpus: cpus.server }), async (s) => {
      const groups = { server: [s.pid] };
      if (phases.has('send')) result.baseline = await sendSweep(ctx, 'bare socket.io', [s.url], groups);
      if (phases.has('churn')) (result.churn ??= {}).baseline = await churn(ctx, 'bare socket.io', [s.url], groups);
    });
  });
  if (phases.has('send') || phases.has('churn') || phases.has('block')) await attempt('sqlite', async () => {
    await withServer(() => ctx.startParley(ctx.sqliteEnv()), async (s) => {
      const groups = { server: [s.pid] };
      // Blocks first: an overloaded send phase would leave a backlog behind.
      if (phases.has('block')) result.block1 = await blockPropagation(ctx, s.url, s.url, { pids: [s.pid] });
      if (phases.has('block') && args['block-ab']) {
        // The other build on a file of its own, beside this one, for the interleaved A/B.
        const otherScript = join(root, 'bench/.snapshot/block-ab.js');
        copyFileSync(resolve(String(args['block-ab'])), otherScript);
        await withServer(() => startServer(otherScript, ctx.sqliteEnv(), { nodeArgs, cpus: cpus.server }), async (o) => {
          result.block1ab = await blockInterleaved(ctx, [{ name: 'this', script: result.server, url: s.url, pid: s.pid }, { name: 'other', script: String(args['block-ab']), url: o.url, pid: o.pid }]);
        });
      }
      if (phases.has('send')) result.sqlite1 = await sendSweep(ctx, 'parley sqlite 1 process', [s.url], groups);
    });
    // Churn on a server of its own: the send phase's messages would make history fetches heavier.
    if (phases.has('churn')) {
      await withServer(() => ctx.startParley(ctx.sqliteEnv()), async (s) => {
        (result.churn ??= {}).sqlite1 = await churn(ctx, 'parley sqlite 1 process', [s.url], { server: [s.pid] });
      });
    }
  });
  if (phases.has('send') || phases.has('churn')) await attempt('paired', async () => {
    await withServer(() => startServer(BASELINE, {}, { cpus: cpus.server }), async (bare) => {
      for (const kind of ['send', 'churn'].filter((k) => phases.has(k))) {
        // A fresh Parley for each: the send pairs' messages would make history fetches heavier.
        await withServer(() => ctx.startParley(ctx.sqliteEnv()), async (parley) => {
          (result.paired ??= {})[kind] = await pairedSaturation(ctx, kind, { bare, parley });
        });
      }
    });
  });
  if (phases.has('pg') || phases.has('block')) await attempt('postgres', async () => {
    await withPgSchema(async (schema) => {
      const env = { ...common, DATABASE_URL: PG_URL, PARLEY_DB_SCHEMA: schema, REDIS_URL };
      const a = await ctx.startParley(env); // runs the migrations first
      const b = await ctx.startParley(env).catch(async (err) => { await a.stop(); throw err; });
      try {
        if (phases.has('block')) result.block2 = await blockPropagation(ctx, b.url, a.url, { pids: [a.pid, b.pid] });
        if (phases.has('pg')) {
          // The pools open their connections under load: a short warm-up, then the backends
          // serving them are looked up again before each measured run.
          await runScript(LOAD_CLIENT, { urls: [a.url, b.url], clients: ctx.clients, inflight: ctx.inflight, mode: 'send', warmupMs: 0, durationMs: 2000 }, { cpus: cpus.client });
          const redis = [await redisPid(REDIS_URL)];
          let backends = 0;
          const groups = async () => {
            const postgres = await pgBackends(PG_URL, [a.pid, b.pid]);
            backends = Math.max(backends, postgres.length);
            return { server: [a.pid, b.pid], postgres, redis };
          };
          result.pg2 = await sendSweep(ctx, 'parley postgres+redis 2 processes', [a.url, b.url], groups);
          result.pg2.postgresBackends = backends;
          result.pg2.note = 'postgres: the backends serving both processes; redis: the machine-wide server (its CPU includes anything else using it)';
        }
      } finally {
        await Promise.all([a.stop(), b.stop()]);
      }
    });
  });
  if (phases.has('idle')) await attempt('idle', async () => (result.idle = await manyIdle(ctx)));
  if (phases.has('memory')) await attempt('memory', async () => (result.memory = await memory(ctx)));
  if (phases.has('store')) await attempt('store', async () => (result.storeOnly = await storeAlone(ctx)));
  if (phases.has('protection')) await attempt('protection', async () => (result.protection = await protection(ctx)));
  if (phases.has('cold')) await attempt('cold', async () => (result.coldStart = await cold(ctx)));
  if (phases.has('bundle')) await attempt('bundle', async () => (result.bundle = await bundle(ctx)));
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

result.activityAfter = activity();
result.wallSeconds = Math.round((performance.now() - started) / 1000);
const json = `${JSON.stringify(result, null, 2)}\n`;
process.stdout.write(json);
if (args.save) {
  const name = `${result.startedAt.slice(0, 16).replace(':', '')}-${[...phases].join('-')}${args.label ? `-${args.label}` : ''}.json`;
  writeFileSync(join(root, 'bench/results', name), json);
  log(`saved bench/results/${name}`);
  writeReport(root);
}
if (result.failed) process.exitCode = 1;
