// A small SVG chart: p99 latency (log scale) against achieved sends/s, one line per server,
// a point at each share of its own capacity. No dependencies; the numbers come from a run.
const COLORS = ['#555', '#1a7f37', '#0969da', '#bf3989'];

export function latencyChart(series) {
  const W = 520, H = 280, L = 56, R = 16, T = 16, B = 44;
  const points = series.map(([label, s]) => ({ label, pts: s.levels.map((l) => [l.sendsPerSec, Math.max(0.1, l.latencyMs.p99 ?? 0.1), l.pct]) }));
  const all = points.flatMap((p) => p.pts);
  const xMax = Math.max(...all.map((p) => p[0])) * 1.05 || 1;
  const yMin = Math.min(...all.map((p) => p[1]));
  const yMax = Math.max(...all.map((p) => p[1]));
  const lo = Math.floor(Math.log10(yMin));
  const hi = Math.max(lo + 1, Math.ceil(Math.log10(yMax)));
  const x = (v) => L + (v / xMax) * (W - L - R);
  const y = (v) => T + (1 - (Math.log10(v) - lo) / (hi - lo)) * (H - T - B);
  const el = [`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="sans-serif" font-size="11">`, `<rect width="${W}" height="${H}" fill="#fff"/>`];
  for (let e = lo; e <= hi; e++) el.push(`<line x1="${L}" x2="${W - R}" y1="${y(10 ** e)}" y2="${y(10 ** e)}" stroke="#ddd"/><text x="${L - 6}" y="${y(10 ** e) + 4}" text-anchor="end">${10 ** e} ms</text>`);
  for (let i = 0; i <= 4; i++) {
    const v = (xMax * i) / 4;
    el.push(`<text x="${x(v)}" y="${H - B + 16}" text-anchor="middle">${Math.round(v).toLocaleString('en-US')}</text>`);
  }
  el.push(`<text x="${(L + W - R) / 2}" y="${H - 8}" text-anchor="middle">sends/s achieved (open loop at 25/50/75/90 % of each server's capacity); y: p99</text>`);
  points.forEach(({ label, pts }, i) => {
    const c = COLORS[i % COLORS.length];
    el.push(`<polyline fill="none" stroke="${c}" stroke-width="2" points="${pts.map(([a, b]) => `${x(a).toFixed(1)},${y(b).toFixed(1)}`).join(' ')}"/>`);
    for (const [a, b, pct] of pts) el.push(`<circle cx="${x(a).toFixed(1)}" cy="${y(b).toFixed(1)}" r="3" fill="${c}"><title>${label} ${pct} %: ${a}/s, p99 ${b} ms</title></circle>`);
    el.push(`<text x="${L + 8}" y="${T + 14 + i * 14}" fill="${c}">${label}</text>`);
  });
  el.push('</svg>');
  return `${el.join('\n')}\n`;
}
