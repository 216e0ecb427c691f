// Latency summaries over plain arrays of milliseconds.

/** p-th percentile (0–100) by nearest rank; null for no samples. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

/** { n, p50, p99, max } rounded to 0.01 ms. */
export function summarize(samples) {
  const sorted = Float64Array.from(samples).sort();
  const r = (x) => (x === null ? null : Math.round(x * 100) / 100);
  return { n: sorted.length, p50: r(percentile(sorted, 50)), p99: r(percentile(sorted, 99)), max: r(sorted.length ? sorted[sorted.length - 1] : null) };
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : null;
};

export const ratio = (a, b, digits = 3) => (a == null || b == null || b === 0 ? null : Math.round((a / b) * 10 ** digits) / 10 ** digits);
