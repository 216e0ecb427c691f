/**
 * Open-loop load: operation i is due at t0 + i/rate; `start(at)` is called for each one as
 * it falls due (with its due time, so latency counts from the schedule and a stalled server
 * cannot hide its queue). Resolves at `until`.
 */
export function openLoop({ t0, rate, until }, start) {
  let issued = 0;
  return new Promise((resolve) => {
    const tick = () => {
      const now = performance.now();
      if (now >= until) return resolve();
      const due = Math.floor(((now - t0) * rate) / 1000);
      while (issued < due) start(t0 + (issued++ * 1000) / rate);
      setTimeout(tick, 1);
    };
    tick();
  });
}
