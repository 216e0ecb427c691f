// Preloaded into a server under test (`node --import`): event-loop delay, read from outside.
// On SIGUSR2 the server prints `bench-loop {p50,p99,max}` (ms, since the previous read) to stdout.
import { monitorEventLoopDelay } from 'node:perf_hooks';

const h = monitorEventLoopDelay({ resolution: 10 });
h.enable();
process.on('SIGUSR2', () => {
  const ms = (ns) => Math.round(ns / 1e4) / 100;
  process.stdout.write(`bench-loop ${JSON.stringify({ p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max) })}\n`);
  h.reset();
});
