import { performance } from 'node:perf_hooks';

/**
 * Closed-loop load: `inflight` lanes per author, each awaiting `send(author, n)` again and
 * again; counts what completes between the warm-up and the end. Resolves with the rate and
 * the mean time per operation once every lane has stopped.
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
  await new Promise((r) => setTimeout(r, durationMs));
  counting = false;
  const elapsed = performance.now() - t0;
  stop = true;
  await Promise.all(lanes);
  return { perSec: Math.round((counted / elapsed) * 1000), usPerOp: Math.round((elapsed * 1000 / counted) * 10) / 10 };
}
