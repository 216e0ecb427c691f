// Summarises a V8 .cpuprofile (from `npm run bench -- --profile`): self time by function
// and by package, to find where Parley spends the CPU a bare socket.io server does not.
//   node bench/profile-summary.mjs bench/profiles/CPU.*.cpuprofile [top]
import { readFileSync } from 'node:fs';

const [file, topArg] = process.argv.slice(2);
const top = Number(topArg ?? 30);
const prof = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const self = new Map();
const dt = prof.timeDeltas;
for (let i = 0; i < prof.samples.length; i++) self.set(prof.samples[i], (self.get(prof.samples[i]) ?? 0) + (dt[i] ?? 0));
const total = [...self.values()].reduce((a, b) => a + b, 0);

const pkg = (url) => {
  if (!url) return '(native/vm)';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  if (url.includes('dist/server.js')) return 'parley';
  if (url.startsWith('node:')) return 'node core';
  return url;
};
const fnTotals = new Map();
const pkgTotals = new Map();
for (const [id, us] of self) {
  const { callFrame: cf } = byId.get(id);
  const key = `${cf.functionName || '(anonymous)'} ${pkg(cf.url)}:${cf.lineNumber + 1}`;
  fnTotals.set(key, (fnTotals.get(key) ?? 0) + us);
  pkgTotals.set(pkg(cf.url), (pkgTotals.get(pkg(cf.url)) ?? 0) + us);
}
const pct = (us) => `${((us / total) * 100).toFixed(1).padStart(5)} %`;
console.log(`total ${(total / 1e6).toFixed(2)} s sampled\n\nby package:`);
for (const [k, us] of [...pkgTotals].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(pct(us), k);
console.log('\nby function (self):');
for (const [k, us] of [...fnTotals].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(pct(us), k);

// Inclusive time of Parley's own functions (self + everything they call).
const parent = new Map();
for (const node of prof.nodes) for (const c of node.children ?? []) parent.set(c, node.id);
const inclusive = new Map();
for (const [id, us] of self) {
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const { callFrame: cf } = byId.get(cur);
    if (pkg(cf.url) !== 'parley' && !cf.url.includes('.snapshot/server.js')) continue;
    const key = `${cf.functionName || '(anonymous)'}:${cf.lineNumber + 1}`;
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + us);
  }
}
console.log('\nParley functions, inclusive:');
for (const [k, us] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(pct(us), k);
