import { performance } from 'node:perf_hooks';

/**
 * Closed-loop load: `inflight` lanes per author, each awaiting `send(author, n)` again and
 * again; counts what completes between the warm-up and the end. Resolves with the rate and
 * the mean wall and CPU time per operation once every lane has stopped.
 */
export async function runLanes(authors, { inflight, warmupMs, durationMs }, send) {
  let seq = 0;
  let counted = 0;
  let counting = false;
  let stop = false;
  const lane = async (author) => {
    while (!stop) {
      await send(author, ++seq);
      if (counting) counted++;
    }
  };
  const lanes = authors.flatMap((a) => Array.from({ length: inflight }, () => lane(a)));
  await new Promise((r) => setTimeout(r, warmupMs));
  counting = true;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await new Promise((r) => setTimeout(r, durationMs));
  counting = false;
  const elapsed = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  stop = true;
  await Promise.all(lanes);
  const round = (x) => Math.round(x * 10) / 10;
  // CPU time of this process per operation: what a busy machine hardly changes.
  return { perSec: Math.round((counted / elapsed) * 1000), usPerOp: round((elapsed * 1000) / counted), cpuUsPerOp: round((cpu.user + cpu.system) / counted) };
}

/**
 * Fixed work instead of a timed window (for callgrind): `warmupCount` then `count` calls of
 * `send(author)`, `inflight` per author at a time, with the lanes' batching (one per author
 * per turn of the loop). Resolves with how many were measured and the CPU time they took.
 */
export async function runCount(authors, { inflight, count, warmupCount }, send) {
  const rounds = async (total) => {
    for (let done = 0; done < total; done += authors.length * inflight) {
      await Promise.all(authors.flatMap((a) => Array.from({ length: inflight }, () => send(a))));
    }
  };
  await rounds(warmupCount);
  const cpu0 = process.cpuUsage();
  await rounds(count);
  const cpu = process.cpuUsage(cpu0);
  return { ops: Math.ceil(count / (authors.length * inflight)) * authors.length * inflight, cpuUs: cpu.user + cpu.system };
}
