// RSS per idle visitor connection: a fresh server before and after `count` idle sockets
// (two client processes), for the bare baseline and Parley on SQLite.
import { BASELINE, holdIdle, rss, sleep, startServer } from '../lib/procs.mjs';
import { median, ratio } from '../lib/stats.mjs';

async function idleMemory(server, count) {
  await sleep(1500);
  const before = median([rss(server.pid), (await sleep(300), rss(server.pid)), (await sleep(300), rss(server.pid))]);
  const holders = [holdIdle([server.url], count / 2), holdIdle([server.url], count / 2)];
  try {
    const ready = await Promise.all(holders.map((h) => h.ready));
    await sleep(3000);
    const after = median([rss(server.pid), (await sleep(500), rss(server.pid)), (await sleep(500), rss(server.pid))]);
    return { connections: ready.reduce((n, r) => n + r.connected, 0), rssBeforeBytes: before, rssAfterBytes: after, bytesPerConnection: Math.round((after - before) / count) };
  } finally {
    await Promise.all(holders.map((h) => h.close()));
  }
}

export async function memory(ctx, count = 2000) {
  const result = {};
  for (const [key, start] of [['baseline', () => startServer(BASELINE, {}, { cpus: ctx.cpus.server })], ['parley', () => ctx.startParley(ctx.sqliteEnv())]]) {
    ctx.log('idle memory', key);
    const server = await start();
    try {
      result[key] = await idleMemory(server, count);
    } finally {
      await server.stop();
    }
  }
  result.ratio = ratio(result.parley.bytesPerConnection, result.baseline.bytesPerConnection, 2);
  return result;
}
