// Many idle visitors on one process (20,000 by default, `--idle=` for a quick run): RSS per
// socket, event-loop delay while they sit connected, and block → notice for a contact with
// 5 tabs open among them. The bare baseline holds the same number for the RSS comparison.
import { BASELINE, holdIdle, maxOpenFiles, rss, sleep, startServer } from '../lib/procs.mjs';
import { median } from '../lib/stats.mjs';
import { blockPropagation } from './block.mjs';

const NOFILE = 1_048_576;
// File descriptors a server needs besides its sockets (modules, the database, its WAL...).
const SPARE_FDS = 200;
const PER_HOLDER = 5000;

async function steadyRss(pid) {
  const xs = [];
  for (let i = 0; i < 3; i++) { xs.push(rss(pid)); await sleep(400); }
  return median(xs);
}

/** Holds `count` idle sockets on `server`, calls `during(server)` and reports memory and loop delay. */
async function holding(ctx, server, count, during) {
  await sleep(1500);
  const before = await steadyRss(server.pid);
  const holders = [];
  for (let left = count; left > 0; left -= PER_HOLDER) holders.push(holdIdle([server.url], Math.min(PER_HOLDER, left), { cpus: ctx.cpus.client, nofile: NOFILE, maxLifeMs: 900_000 }));
  try {
    const ready = await Promise.all(holders.map((h) => h.ready));
    await sleep(3000);
    const after = await steadyRss(server.pid);
    await server.loopDelay(); // from here: the loop while the sockets sit idle
    await sleep(5000);
    const idleLoop = await server.loopDelay();
    const extra = during ? await during(server) : {};
    return {
      connections: ready.reduce((n, r) => n + r.connected, 0),
      connectMs: Math.max(...ready.map((r) => r.connectMs)),
      rssBeforeBytes: before, rssAfterBytes: after, bytesPerConnection: Math.round((after - before) / count),
      idleLoopDelayMs: idleLoop, ...extra,
    };
  } finally {
    await Promise.all(holders.map((h) => h.close()));
  }
}

export async function manyIdle(ctx) {
  // One descriptor per socket: where the open-file limit cannot be raised far enough, hold
  // as many as it allows, and say so in the result.
  // The block probe's tabs (warm-up included) connect to the same process meanwhile.
  const limit = maxOpenFiles();
  const probeSockets = (ctx.idleBlocks + 10) * 5;
  const count = Math.min(ctx.idle, limit - SPARE_FDS - probeSockets);
  const result = { sockets: count, requested: ctx.idle, openFileLimit: limit };
  if (count < ctx.idle) ctx.log(`many idle: the open-file limit (${limit}) allows ${count} sockets, not ${ctx.idle}`);
  ctx.log(`many idle: bare socket.io, ${count} sockets`);
  const baseline = await startServer(BASELINE, {}, { cpus: ctx.cpus.server, nofile: NOFILE, loopProbe: true });
  try {
    result.baseline = await holding(ctx, baseline, count);
  } finally {
    await baseline.stop();
  }
  ctx.log(`many idle: Parley SQLite, ${count} sockets`);
  const parley = await ctx.startParley(ctx.sqliteEnv(), { nofile: NOFILE, loopProbe: true });
  try {
    result.parley = await holding(ctx, parley, count, async (server) => {
      await server.loopDelay();
      const block5Tabs = await blockPropagation(ctx, server.url, server.url, { blocks: ctx.idleBlocks, tabs: 5, pids: [server.pid] });
      return { block5Tabs, blockLoopDelayMs: await server.loopDelay() };
    });
  } finally {
    await parley.stop();
  }
  result.rssRatio = Math.round((result.parley.bytesPerConnection / result.baseline.bytesPerConnection) * 100) / 100;
  return result;
}
