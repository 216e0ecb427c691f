// Store only, no sockets: how many visitor messages per second the SQLite store appends on
// its own (group commit, block check, duplicate check, insert, activity), with the load
// client's shape (200 contacts × 8 appends in flight). Run by bench/phases/store.mjs in its
// own process on a bundle of server/store/sqlite/open.ts. Prints one JSON line.
// With `count`, it appends exactly that many messages after a fixed warm-up instead (for
// callgrind: the instruction count of 2N appends minus that of N is N appends' worth).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCount, runLanes } from './lib/lanes.mjs';

const { bundle, contacts = 200, inflight = 8, durationMs = 5000, warmupMs = 1000, count = 0, warmupCount = 2000 } = JSON.parse(process.argv[2]);
const { openSqliteStore } = await import(bundle);
const dir = mkdtempSync(join(tmpdir(), 'parley-store-bench-'));
// Group commits counted, so the insert floor (store-floor.mjs) can use the same transaction size.
let batches = 0;
let batched = 0;
const store = openSqliteStore(join(dir, 'bench.db'), { onAppendBatch(size) { batches++; batched += size; } });
await store.migrate();
const authors = [];
for (let i = 0; i < contacts; i++) authors.push(await store.contacts.create({ type: 'lead' }));

let n = 0;
const append = async (author) => {
  const r = await store.conversations.appendMessage({ authorType: 'lead', authorId: author.id, clientId: `k${++n}`, body: `hello from the store bench ${n}`, messageType: 'reply' });
  if (r.status !== 'stored') throw new Error(`append answered ${r.status}`);
};

let result;
if (count > 0) {
  const { ops, cpuUs } = await runCount(authors, { inflight, count, warmupCount }, append);
  result = { appends: ops, cpuUs };
} else {
  const { perSec, usPerOp, cpuUsPerOp } = await runLanes(authors, { inflight, warmupMs, durationMs }, append);
  result = { appendsPerSec: perSec, usPerAppend: usPerOp, cpuUsPerAppend: cpuUsPerOp, meanBatch: Math.round(batched / batches) };
}
await store.close();
rmSync(dir, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify(result)}\n`);
