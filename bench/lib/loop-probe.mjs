// Preloaded into a server under test (`node --import`): event-loop delay, read from outside.
// On SIGUSR2 the server prints `bench-loop {p50,p99,max}` (ms, since the previous read) to stdout:
// how late the loop ran a timer due every 10 ms (the histogram counts the interval itself too).
import { monitorEventLoopDelay } from 'node:perf_hooks';

const RESOLUTION_MS = 10;
const h = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
h.enable();
process.on('SIGUSR2', () => {
  const ms = (ns) => Math.max(0, Math.round(ns / 1e4 - RESOLUTION_MS * 100) / 100);
  process.stdout.write(`bench-loop ${JSON.stringify({ p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max) })}\n`);
  h.reset();
});
