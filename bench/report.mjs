// Writes bench/RESULTS.md and bench/latency.svg from the JSON runs in bench/results/ and
// nothing else: every figure on the page is read from a run file named on the page.
//   node bench/report.mjs            (bench/run.mjs --save calls it too)
// Runs are `YYYY-MM-DDTHHMM-<phases>[-<label>].json`; each section shows the newest run that
// has its phase. Older runs (issue 11's A/B) appear in the block table by file name.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { latencyChart } from './lib/chart.mjs';
import { ratio as ratioOf } from './lib/stats.mjs';

const DATED = /^\d{4}-\d{2}-\d{2}T\d{4}.*\.json$/;
const n = (x, unit = '') => (x == null ? '–' : `${typeof x === 'number' ? x.toLocaleString('en-US') : x}${unit}`);
const ratio = (a, b) => ratioOf(a, b, 2);
const pass = (ok) => (ok == null ? '' : ok ? ' ✅' : ' ❌');

/** Every run file, oldest first, parsed (a file that is not JSON fails the report). */
export function loadRuns(dir) {
  return readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((file) => {
    try {
      return { file, run: JSON.parse(readFileSync(join(dir, file), 'utf8')) };
    } catch (err) {
      throw new Error(`bench/results/${file} is not valid JSON: ${err.message}`);
    }
  });
}

function sourceLine(r) {
  const { run } = r;
  const m = run.machine;
  const load = (a) => (a ? `${a.loadavg.join(' / ')}` : '–');
  return `_From \`bench/results/${r.file}\`: ${run.startedAt.slice(0, 16).replace('T', ' ')} UTC, ${n(run.wallSeconds, ' s')} wall, ${m.nproc} × ${m.cpu}, ${m.memoryGiB} GiB, Node ${m.node}; load average (1/5/15 min) ${load(run.activityBefore)} before, ${load(run.activityAfter)} after; server ${run.server ?? '(not recorded)'}${run.failed ? `; failed in this run: ${Object.keys(run.failed).join(', ')}` : ''}._`;
}

/** The alternated pairs at saturation (phases/paired.mjs), as a table and the medians judged against the targets. */
function pairedLines(p, what, unit, rateOk, cpuOk) {
  if (!p) return [];
  const pct = (x) => (x == null ? '–' : `${n(x)}×`);
  return [
    '',
    `**Alternated pairs** (${p.pairs.length} pairs of ${n(p.windowMs / 1000)} s windows at saturation, both servers up, order flipped each pair; the targets are read on the medians of the pairs' ratios): ${what}/s Parley ÷ bare **${pct(p.rateRatio)}**${rateOk == null ? '' : pass(rateOk(p.rateRatio))}, CPU per ${unit} **${pct(p.cpuRatio)}**${cpuOk == null ? '' : pass(cpuOk(p.cpuRatio))}.`,
    '',
    `| pair | bare ${what}/s | Parley ${what}/s | ratio | bare CPU µs/${unit} | Parley CPU µs/${unit} | ratio |`,
    '|---|---:|---:|---:|---:|---:|---:|',
    ...p.pairs.map((x, i) => `| ${i + 1} | ${n(x.bare.perSec)} | ${n(x.parley.perSec)} | ${n(x.rateRatio)} | ${n(x.bare.cpuUs)} | ${n(x.parley.cpuUs)} | ${n(x.cpuRatio)} |`),
  ];
}

function sendSection(r) {
  const { run } = r;
  const base = run.baseline;
  const rows = [];
  const row = (label, s, extra) => {
    if (!s) return;
    const c = s.capacity;
    const cpu = c.cpuUsPerMessage ?? {};
    rows.push(`| ${label} | ${n(c.sendsPerSec, '/s')}${extra.thr ?? ''} | ${n(cpu.server)} | ${n(cpu.postgres)} | ${n(cpu.redis)} | ${n(cpu.total)}${extra.cpu ?? ''} | ${n(c.latencyMs.p99, ' ms')} | ${c.errors} |`);
  };
  const bc = base?.capacity;
  row('bare socket.io, 1 process', base, {});
  const sq = run.sqlite1?.capacity;
  const sqThr = ratio(sq?.sendsPerSec, bc?.sendsPerSec);
  const sqCpu = ratio(sq?.cpuUsPerMessage?.total, bc?.cpuUsPerMessage?.total);
  // With alternated pairs in the run, those are judged (below); this row's ratios are only shown.
  const judge = (ok) => (run.paired?.send ? '' : pass(ok));
  row('Parley, SQLite, 1 process', run.sqlite1, { thr: ` (${n(sqThr)}×${judge(sqThr == null ? null : sqThr >= 0.6)})`, cpu: ` (${n(sqCpu)}×${judge(sqCpu == null ? null : sqCpu <= 1.5)})` });
  const p2 = run.pg2?.capacity;
  const pgCpu = ratio(p2?.cpuUsPerMessage?.total, bc?.cpuUsPerMessage?.total);
  row('Parley, PostgreSQL + Redis, 2 processes', run.pg2, { thr: ` (${n(ratio(p2?.sendsPerSec, bc?.sendsPerSec))}×)`, cpu: ` (${n(pgCpu)}×${pass(pgCpu == null ? null : pgCpu <= 4)})` });

  const sweep = [];
  for (const [label, s] of [['bare socket.io', base], ['Parley SQLite', run.sqlite1], ['Parley PG + Redis', run.pg2]]) {
    if (!s) continue;
    for (const l of s.levels) sweep.push(`| ${label} | ${l.pct} % (${n(l.targetRate, '/s')}) | ${n(l.sendsPerSec, '/s')} | ${n(l.latencyMs.p50, ' ms')} | ${n(l.latencyMs.p99, ' ms')} | ${n(l.cpuUsPerMessage?.total)} | ${l.errors}${l.shed ? ` (${n(l.shed)} shed)` : ''} |`);
  }
  return [
    '## message:send: capacity and CPU per message',
    '',
    sourceLine(r),
    '',
    `Closed loop (${run.settings.clients} clients × ${run.settings.inflight} in flight) is each server's capacity; CPU is the utime + stime its processes spent in the measured window (\`/proc/<pid>/stat\`), divided by the messages acked in it. Server pinned to CPU ${run.settings.cpus?.server ?? '–'}, load client to CPU ${run.settings.cpus?.client ?? '–'} (\`taskset\`). ${run.settings.serverNodeFlags?.length ? `Both servers run with Parley's V8 flags (\`${run.settings.serverNodeFlags.join(' ')}\`, package.json \`config.nodeFlags\`). ` : ''}Targets: SQLite sends/s ≥ 0.6× bare and CPU per message ≤ 1.5× bare's per ack; PostgreSQL + Redis total CPU ≤ 4× bare's.`,
    '',
    '| server | capacity (sends/s) | CPU µs/msg: server | PostgreSQL | Redis | total | p99 at capacity | errors |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
    ...pairedLines(run.paired?.send, 'sends', 'message', (x) => x >= 0.6, (x) => x <= 1.5),
    '',
    '### Latency against throughput (open loop at a share of each server\'s own capacity)',
    '',
    '![p99 latency against sends/s](latency.svg)',
    '',
    '| server | load (rate) | achieved | p50 | p99 | CPU µs/msg | errors |',
    '|---|---|---:|---:|---:|---:|---:|',
    ...sweep,
  ];
}

function churnSection(r) {
  const c = { ...r.run.churn, paired: r.run.paired?.churn };
  const rows = [];
  const views = ratio(c.sqlite1?.saturation.pageViewsPerSec, c.baseline?.saturation.pageViewsPerSec);
  const p99 = ratio(c.sqlite1?.half.sessionMs.p99, c.baseline?.half.sessionMs.p99);
  for (const [label, s, extra] of [['bare socket.io (connect → session → one ack → disconnect)', c.baseline, ['', '']], ['Parley, SQLite, 1 process (returning visitor: token → session → history:fetch → disconnect)', c.sqlite1, [` (${n(views)}×${c.paired ? '' : pass(views == null ? null : views >= 0.5)})`, ` (${n(p99)}×${pass(p99 == null ? null : p99 <= 2)})`]]]) {
    if (!s) continue;
    rows.push(`| ${label} | ${n(s.saturation.pageViewsPerSec, '/s')}${extra[0]} | ${n(s.saturation.cpuUsPerPageView?.total)} | ${n(s.half.targetRate, '/s')} | ${n(s.half.sessionMs.p50, ' ms')} | ${n(s.half.sessionMs.p99, ' ms')}${extra[1]} | ${s.saturation.errors + s.half.errors} |`);
  }
  return [
    '## Page-view churn', '', sourceLine(r), '',
    `${r.run.settings.churnVisitors} returning visitors, ${r.run.settings.churnLanes} page views in flight at saturation; time to \`session\` measured at 50 % of each server's own saturated rate (open loop, from each view's scheduled start). Targets: page views/s ≥ 0.5× bare, p99 to session ≤ 2× bare's.`,
    '',
    '| server | page views/s (saturation) | CPU µs/view | 50 % load | p50 to session | p99 to session | errors |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...rows,
    ...pairedLines(r.run.paired?.churn, 'page views', 'view', (x) => x >= 0.5, null),
  ];
}

function idleSection(r) {
  const i = r.run.idle;
  const kib = (b) => (b == null ? '–' : `${(b / 1024).toFixed(1)} KiB`);
  const p = i.parley;
  return [
    '## Many idle visitors on one process', '', sourceLine(r), '',
    `| | bare socket.io | Parley, SQLite |`,
    '|---|---:|---:|',
    `| idle sockets held${i.requested > i.sockets ? ` (${n(i.requested)} asked; the open-file limit, ${n(i.openFileLimit)}, allowed ${n(i.sockets)})` : ''} | ${n(i.baseline.connections)} | ${n(p.connections)} |`,
    `| RSS per socket | ${kib(i.baseline.bytesPerConnection)} | ${kib(p.bytesPerConnection)} (${n(i.rssRatio)}×) |`,
    `| event-loop delay (beyond a 10 ms timer) while idle, p99 | ${n(i.baseline.idleLoopDelayMs?.p99, ' ms')} | ${n(p.idleLoopDelayMs?.p99, ' ms')} |`,
    `| block → \`contact:blocked\` on all 5 tabs of a contact, p50 / p99 (${n(p.block5Tabs?.propagationMs.n)} blocks) | | ${n(p.block5Tabs?.propagationMs.p50)} / ${n(p.block5Tabs?.propagationMs.p99, ' ms')} |`,
    `| event-loop delay during those blocks, p99 | | ${n(p.blockLoopDelayMs?.p99, ' ms')} |`,
  ];
}

/** Which indexes a floor run kept, by what it dropped. */
function floorLabel(dropped) {
  if (dropped.length === 0) return 'as shipped: id, client id, contact and conversation indexes';
  if (dropped.length === 1 && dropped[0] === 'messages_conversation') return 'the visitor path\'s own: id, client id (idempotency), contact (history)';
  return `without ${dropped.join(', ')}`;
}

function storeSection(r) {
  const s = r.run.storeOnly;
  const cg = s.callgrind;
  return [
    '## SQLite store alone (no sockets)', '', sourceLine(r), '',
    'Appends with the block check, idempotency (client id) and the indexes they need, 200 contacts × 8 in flight, group commit. Best of the runs; CPU is the bench process\'s own. Target: ≤ 8 µs per append.',
    '',
    '| appends/s | wall µs/append | CPU µs/append | instructions/append (callgrind) |',
    '|---:|---:|---:|---:|',
    `| ${n(s.appendsPerSec, '/s')} | ${n(s.usPerAppend)}${pass(s.usPerAppend == null ? null : s.usPerAppend <= 8)} | ${n(s.cpuUsPerAppend)}${pass(s.cpuUsPerAppend == null ? null : s.cpuUsPerAppend <= 8)} | ${n(cg?.instructionsPerAppend)} |`,
    ...(s.floor ? [
      '',
      `The floor under it (\`bench/store-floor.mjs\`): the same rows written by the append's own prepared \`INSERT\` and nothing else (no block check, no duplicate read, no activity, no promise), ${n(s.floor[0].batch)} per transaction (the group commits' mean size above), on a file with the store's schema and settings. Best of the runs.`,
      '',
      '| messages table | wall µs/insert | CPU µs/insert |',
      '|---|---:|---:|',
      ...s.floor.map((f) => `| ${floorLabel(f.dropped)} | ${n(f.usPerInsert)} | ${n(f.cpuUsPerInsert)} |`),
    ] : []),
  ];
}

/** Block propagation of every run that measured it (issue 11's A/B runs included). */
function blockSection(runs) {
  const rows = runs.filter(({ run }) => run.block1 || run.block2).map(({ file, run }) => {
    const b = (x) => (x ? `${n(x.propagationMs.p50)} / ${n(x.propagationMs.p99, ' ms')} (${n(x.propagationMs.n)})${x.cpuUsPerBlock ? `, ${n(x.cpuUsPerBlock.total)} µs CPU` : ''}` : '–');
    return `| \`${file}\` | ${run.server ?? '(not recorded)'} | ${b(run.block1)} | ${b(run.block2)} |`;
  });
  return [
    '## Block → contact:blocked', '',
    'REST `POST /v2/contacts/{id}/block` to the visitor\'s socket hearing `contact:blocked`; with 2 processes the REST call and the socket are on different processes (Redis). p50 / p99 (samples), and the CPU the server processes spent per block where measured. Issue 11\'s criterion: no figure more than 10 % worse than the pre-issue-11 build in the same series of runs.',
    '',
    ...blockInterleavedSeries(runs),
    ...blockAb(runs),
    '| run | server | 1 process | 2 processes |',
    '|---|---|---:|---:|',
    ...rows,
  ];
}

/** The median of the figures a series has (an even count: the mean of the middle two). */
const median = (xs) => {
  const v = xs.filter((x) => x != null).sort((a, b) => a - b);
  return v.length ? (v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2) : null;
};

/**
 * The newest interleaved series (`…-block-il-<series>-<N>.json`, runs with `--block-ab=`):
 * in each run two builds on one process each took turns block by block; per run, this build
 * against the other, and the median of each ratio over the series.
 */
function blockInterleavedSeries(runs) {
  const IL = /-block-il-(.+)-\d+\.json$/;
  const series = runs.filter(({ file, run }) => IL.test(file) && run.block1ab).map(({ file }) => file.match(IL)[1]).pop();
  if (!series) return [];
  const of = runs.filter(({ file, run }) => file.match(IL)?.[1] === series && run.block1ab);
  const figures = [['p50', (x) => x.propagationMs.p50], ['p99', (x) => x.propagationMs.p99], ['CPU per block', (x) => x.cpuUsPerBlock?.total]];
  const ratios = figures.map(() => []);
  const rows = of.map(({ file, run }) => {
    const { this: a, other: b } = run.block1ab;
    const cells = figures.map(([, get], i) => {
      const q = ratio(get(a), get(b));
      ratios[i].push(q);
      return `${n(get(b))} → ${n(get(a))} (${n(q)})`;
    });
    return `| \`${file}\` | ${cells.join(' | ')} |`;
  });
  const medians = ratios.map((xs) => { const q = median(xs); return `**${n(q)}**${pass(q == null ? null : q <= 1.1)}`; });
  const other = of[0].run.block1ab.other.script;
  return [
    `Interleaved series \`${series}\`: \`${other}\` (other) and this build (${of[0].run.server}), one process each on SQLite, blocks taking turns (order flipped each round) in ${of.length} runs; other → this (this / other), ms and µs.`, '',
    '| run | p50 | p99 | CPU per block |',
    '|---|---:|---:|---:|',
    ...rows,
    `| median of the ratios | ${medians.join(' | ')} |`, '',
  ];
}

/**
 * The newest A/B series (`…-block-ab-<series>-pre<N>.json` and `…-now<N>.json`, run
 * alternately): each figure's median over the series' runs of either build, and now / pre.
 */
function blockAb(runs) {
  const AB = /-block-ab-(.+)-(pre|now)\d+\.json$/;
  const series = runs.filter(({ file }) => AB.test(file)).map(({ file }) => file.match(AB)[1]).pop();
  if (!series) return [];
  const of = (side) => runs.filter(({ file }) => { const m = file.match(AB); return m && m[1] === series && m[2] === side; });
  const pre = of('pre');
  const now = of('now');
  const figures = [
    ['1 process: p50 ms', (r) => r.block1?.propagationMs.p50], ['1 process: p99 ms', (r) => r.block1?.propagationMs.p99], ['1 process: CPU µs per block', (r) => r.block1?.cpuUsPerBlock?.total],
    ['2 processes: p50 ms', (r) => r.block2?.propagationMs.p50], ['2 processes: p99 ms', (r) => r.block2?.propagationMs.p99], ['2 processes: CPU µs per block', (r) => r.block2?.cpuUsPerBlock?.total],
  ];
  const rows = figures.map(([label, get]) => {
    const a = median(pre.map(({ run }) => get(run)));
    const b = median(now.map(({ run }) => get(run)));
    const q = ratio(b, a);
    return `| ${label} | ${n(a)} | ${n(b)} | ${n(q)}${pass(q == null ? null : q <= 1.1)} |`;
  });
  return [
    `A/B series \`${series}\`: medians over ${pre.length} runs of the pre-issue-11 build and ${now.length} of this one, alternated (${pre.concat(now).map(({ file }) => `\`${file}\``).join(', ')}).`, '',
    '| figure | pre-issue-11 | now | now / pre |',
    '|---|---:|---:|---:|',
    ...rows, '',
  ];
}

function otherSection(r, key) {
  const { run } = r;
  const lines = ['', sourceLine(r), ''];
  if (key === 'memory') {
    const m = run.memory;
    lines.unshift(`## RSS per idle visitor (${n(m.parley.connections)} sockets)`);
    lines.push(`Parley ${(m.parley.bytesPerConnection / 1024).toFixed(1)} KiB, bare socket.io ${(m.baseline.bytesPerConnection / 1024).toFixed(1)} KiB (${n(m.ratio)}×).`);
  } else if (key === 'protection') {
    const p = run.protection;
    lines.unshift('## Protection rules: send cost (0 vs 20 rules)');
    if (p.callgrind) lines.push(`Core + SQLite store, instructions per send (callgrind): ${n(p.callgrind.none.instructionsPerSend)} without rules, ${n(p.callgrind.twenty.instructionsPerSend)} with 20 (${n(p.callgrind.instructionRatio)}×).`);
    else if (p.noRulesCpuUsPerSend !== undefined) lines.push(`Core + SQLite store, CPU µs per send: ${n(p.noRulesCpuUsPerSend)} without rules, ${n(p.twentyRulesCpuUsPerSend)} with 20 (${n(p.costRatio)}×; wall ${n(p.noRulesUsPerSend)} / ${n(p.twentyRulesUsPerSend)} µs).`);
    else lines.push(`Core + SQLite store, wall µs per send: ${n(p.noRulesUsPerSend)} without rules, ${n(p.twentyRulesUsPerSend)} with 20 (${n(p.costRatio)}×).`);
    // Older runs: a few long rounds, the ratio of the medians; newer: the median of many short pairs' ratios.
    if (p.e2e) lines.push('', `Real send path (server process, socket.io visitors), server CPU µs per acked message: ${n(p.e2e.noRulesCpuUsPerMessage)} without rules, ${n(p.e2e.twentyRulesCpuUsPerMessage)} with 20 (${n(p.e2e.cpuRatio)}×${p.e2e.ratioOfMedians !== undefined ? `, the median of ${p.e2e.pairRatios.length} alternated pairs of ${n(p.e2e.durationMs, ' ms')} rounds` : ''}; pairs ${p.e2e.pairRatios.map((x) => n(x)).join(', ')}).`);
    const eq = p.e2e?.equalRate;
    if (eq) lines.push('', `The same pairs at one rate for both, paced at ${n(eq.rate, '/s')} (${n(eq.share * 100)} % of the rule-free closed-loop rate; at saturation the rules' lower rate also makes the group commits smaller, each message then carrying more of a commit), achieved ${n(eq.noRulesSendsPerSec, '/s')} without rules and ${n(eq.twentyRulesSendsPerSec, '/s')} with (at most ${n(p.e2e.clients * p.e2e.inflight)} in flight): ${n(eq.noRulesCpuUsPerMessage)} without rules, ${n(eq.twentyRulesCpuUsPerMessage)} with 20 (${n(eq.cpuRatio)}×; pairs ${eq.pairRatios.map((x) => n(x)).join(', ')}).`);
  } else if (key === 'coldStart') {
    const c = run.coldStart;
    lines.unshift('## Cold start (spawn → /healthz 200)');
    lines.push(`Parley median ${n(c.parley.medianMs, ' ms')} (runs ${c.parley.runsMs.join(', ')}), bare socket.io ${n(c.baseline.medianMs, ' ms')}.`);
  } else if (key === 'bundle') {
    const b = run.bundle;
    const kb = (s) => (s ? `${(s.gzip / 1024).toFixed(1)} KiB gz / ${(s.brotli / 1024).toFixed(1)} KiB br` : '–');
    lines.unshift('## Widget bytes');
    lines.push(`Loader ${kb(b.widgetLoader)}; app chunk ${kb(b.widgetApp)}; total ${kb(b.widgetTotal)} against the floor (Preact + signals + socket.io-client, WebSocket only) ${kb(b.floor)} (${n(b.widgetOverFloorGzip)}× gzip).`);
  }
  return lines;
}

/** The page, from the runs in `dir`; answers { markdown, svg }. */
export function render(runs) {
  const dated = runs.filter((r) => DATED.test(r.file));
  const newest = (pred) => [...dated].reverse().find((r) => pred(r.run));
  const out = [
    '# Benchmark results',
    '',
    '<!-- Generated by `node bench/report.mjs` from bench/results/*.json. Do not edit by hand. -->',
    '',
    'Every figure below is read from a committed JSON run in `bench/results/`, named on each section; the run records the machine, its load average before and after, and the busiest processes at both moments. `node bench/run.mjs --save` (see bench/README.md) writes a run and regenerates this page. Parley acks a message only after its transaction committed.',
    '',
  ];
  let svg = null;
  const send = newest((run) => run.baseline?.capacity);
  if (send) {
    out.push(...sendSection(send), '');
    svg = latencyChart([['bare socket.io', send.run.baseline], ['Parley SQLite', send.run.sqlite1], ['Parley PG + Redis', send.run.pg2]].filter(([, s]) => s));
  }
  const churnRun = newest((run) => run.churn);
  if (churnRun) out.push(...churnSection(churnRun), '');
  const idleRun = newest((run) => run.idle);
  if (idleRun) out.push(...idleSection(idleRun), '');
  const store = newest((run) => run.storeOnly?.cpuUsPerAppend !== undefined);
  if (store) out.push(...storeSection(store), '');
  out.push(...blockSection(runs), '');
  for (const key of ['memory', 'protection', 'coldStart', 'bundle']) {
    const r = newest((run) => run[key] && (key !== 'protection' || run.protection.noRulesCpuUsPerSend !== undefined || run.protection.e2e || run.protection.callgrind));
    if (r) out.push(...otherSection(r, key), '');
  }
  return { markdown: `${out.join('\n').trimEnd()}\n`, svg };
}

export function writeReport(root) {
  const { markdown, svg } = render(loadRuns(join(root, 'bench/results')));
  writeFileSync(join(root, 'bench/RESULTS.md'), markdown);
  if (svg) writeFileSync(join(root, 'bench/latency.svg'), svg);
}

if (import.meta.url === `file://${process.argv[1]}`) writeReport(new URL('../', import.meta.url).pathname);
