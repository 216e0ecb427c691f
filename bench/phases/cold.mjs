// Cold start: spawn → first 200 from /healthz, polled every 5 ms from the moment of the spawn.
import { performance } from 'node:perf_hooks';
import { BASELINE, freePort, sleep, startServer } from '../lib/procs.mjs';
import { median } from '../lib/stats.mjs';

async function coldStart(script, envFor, runs) {
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

export async function cold(ctx, runs = 5) {
  ctx.log('cold start');
  return { parley: await coldStart(ctx.parleyScript, ctx.sqliteEnv, runs), baseline: await coldStart(BASELINE, () => ({}), runs) };
}
