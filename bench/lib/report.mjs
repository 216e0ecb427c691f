// The machine description and the generated table in bench/RESULTS.md. Only the part
// between the markers is rewritten, so the hand-written notes around it survive a run.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';

const BEGIN = '<!-- bench:generated:begin -->';
const END = '<!-- bench:generated:end -->';

export function machine() {
  let model = os.cpus()[0]?.model ?? 'unknown';
  try {
    model = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? model;
  } catch { /* not Linux */ }
  return { nproc: os.availableParallelism(), cpu: model.trim(), memoryGiB: Math.round(os.totalmem() / 2 ** 30 * 10) / 10, node: process.version, platform: `${os.platform()} ${os.release()}` };
}

const n = (x, unit = '') => (x == null ? '–' : `${typeof x === 'number' ? x.toLocaleString('en-US') : x}${unit}`);
const pass = (t) => (t == null ? '' : t.pass ? ' ✅' : ' ❌');

export function table(r) {
  const t = r.targets ?? {};
  const rows = [];
  const send = (label, s, extra = {}) => {
    if (!s) return;
    rows.push(`| ${label} — saturation (${r.settings.clients}×${r.settings.inflight} in flight) | ${n(s.saturation.sendsPerSec, '/s')}${extra.thr ?? ''} | ${n(s.saturation.latencyMs.p50, ' ms')} | ${n(s.saturation.latencyMs.p99, ' ms')} | ${s.saturation.errors} |`);
    rows.push(`| ${label} — 50 % load (${n(s.half.targetRate, '/s')} open loop) | ${n(s.half.sendsPerSec, '/s')} | ${n(s.half.latencyMs.p50, ' ms')} | ${n(s.half.latencyMs.p99, ' ms')}${extra.p99 ?? ''} | ${s.half.errors}${s.half.shed ? ` (${n(s.half.shed)} not sent: > 10,000 unanswered)` : ''} |`);
  };
  send('bare socket.io', r.baseline);
  if (r.baseline?.saturationRepeat) rows.push(`| bare socket.io — saturation, repeated after Parley SQLite (ratios use the mean, ${n(r.baseline.sendsPerSec, '/s')}) | ${n(r.baseline.saturationRepeat.sendsPerSec, '/s')} | ${n(r.baseline.saturationRepeat.latencyMs.p50, ' ms')} | ${n(r.baseline.saturationRepeat.latencyMs.p99, ' ms')} | ${r.baseline.saturationRepeat.errors} |`);
  send('Parley, SQLite, 1 process', r.sqlite1, {
    thr: ` (${n(r.sqlite1?.throughputRatio)}× base${pass(t.sqlite1ThroughputVsBaseline)})`,
    p99: ` (${n(r.sqlite1?.halfLoadP99Ratio)}× base${pass(t.sqlite1HalfLoadP99VsBaseline)})`,
  });
  send('Parley, PostgreSQL + Redis, 2 processes', r.pg2, {
    thr: ` (${n(r.pg2?.throughputRatio)}× base${pass(t.pg2ThroughputVsBaseline)})`,
    p99: ` (${n(r.pg2?.halfLoadP99Ratio)}× base)`,
  });
  const out = [
    `Run of ${(r.startedAt ?? new Date().toISOString()).slice(0, 16).replace('T', ' ')} UTC, ${r.wallSeconds} s wall. Machine: ${r.machine.nproc} × ${r.machine.cpu}, ${r.machine.memoryGiB} GiB, Node ${r.machine.node}, ${r.machine.platform}.`,
    '',
    '| message:send | sends/s | p50 | p99 | errors |',
    '|---|---:|---:|---:|---:|',
    ...rows,
    '',
    '| other | Parley | bare socket.io / floor | target |',
    '|---|---:|---:|---|',
  ];
  if (r.storeOnly) out.push(`| SQLite store alone, no sockets (appends/s; same 200×8 shape) | ${n(r.storeOnly.appendsPerSec, '/s')} (${n(r.storeOnly.usPerAppend, ' µs')} each) | ${n(r.baseline?.sendsPerSec, '/s')} bare sends (${n(r.storeOnlyVsBaseline)}×) | one process can reach at most ${n(r.storeOnly.ceilingRatio)}× base |`);
  if (r.block1) out.push(`| block → contact:blocked, 1 process (p50 / p99, ${r.block1.propagationMs.n} blocks) | ${n(r.block1.propagationMs.p50)} / ${n(r.block1.propagationMs.p99, ' ms')} | | p99 ≤ 50 ms${pass(t.block1P99Ms)} |`);
  if (r.block2) out.push(`| block → contact:blocked, 2 processes, cross-process (p50 / p99) | ${n(r.block2.propagationMs.p50)} / ${n(r.block2.propagationMs.p99, ' ms')} | | p99 ≤ 100 ms${pass(t.block2P99Ms)} |`);
  if (r.memory) out.push(`| RSS per idle visitor connection (${r.settings.idleConnections}) | ${n(Math.round(r.memory.parley.bytesPerConnection / 102.4) / 10, ' KiB')} | ${n(Math.round(r.memory.baseline.bytesPerConnection / 102.4) / 10, ' KiB')} (${n(r.memory.ratio)}×) | ≤ 1.3×${pass(t.idleMemoryVsBaseline)} |`);
  if (r.coldStart) out.push(`| cold start, spawn → /healthz 200 (median of ${r.coldStart.parley.runsMs.length}) | ${n(r.coldStart.parley.medianMs, ' ms')} | ${n(r.coldStart.baseline.medianMs, ' ms')} | ≤ 1000 ms${pass(t.coldStartMs)} |`);
  if (r.bundle) {
    const b = r.bundle;
    const kb = (s) => (s ? `${(s.gzip / 1024).toFixed(1)} KiB gz / ${(s.brotli / 1024).toFixed(1)} KiB br` : '–');
    out.push(`| widget loader (widget.js) | ${kb(b.widgetLoader)} | | |`);
    out.push(`| widget app chunk | ${kb(b.widgetApp)} | | |`);
    out.push(`| widget total vs floor (preact + signals + socket.io-client, ws only) | ${kb(b.widgetTotal)} | ${kb(b.floor)} (${n(b.widgetOverFloorGzip)}× gzip) | report only |`);
  }
  return out.join('\n');
}

export function writeResults(file, r) {
  const generated = `${BEGIN}\n${table(r)}\n${END}`;
  const current = existsSync(file) ? readFileSync(file, 'utf8') : `# Benchmark results\n\n${BEGIN}\n${END}\n`;
  const next = current.includes(BEGIN) && current.includes(END)
    ? current.slice(0, current.indexOf(BEGIN)) + generated + current.slice(current.indexOf(END) + END.length)
    : `${current.trimEnd()}\n\n${generated}\n`;
  writeFileSync(file, next);
}
