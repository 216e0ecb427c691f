// Store only, no sockets: how many visitor messages per second the SQLite store appends on
// its own (group commit, block check, duplicate check, insert, activity), with the load
// client's shape (200 contacts × 8 appends in flight). Run by bench/run.mjs in its own process
// on a bundle of server/store/sqlite/open.ts. Prints one JSON line.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const { bundle, contacts = 200, inflight = 8, durationMs = 5000, warmupMs = 1000 } = JSON.parse(process.argv[2]);
const { openSqliteStore } = await import(bundle);
const dir = mkdtempSync(join(tmpdir(), 'parley-store-bench-'));
const store = openSqliteStore(join(dir, 'bench.db'));
await store.migrate();
const authors = [];
for (let i = 0; i < contacts; i++) authors.push(await store.contacts.create({ type: 'lead' }));

let seq = 0;
let counted = 0;
let counting = false;
let stop = false;
const lane = async (author) => {
  while (!stop) {
    const r = await store.conversations.appendMessage({ authorType: 'lead', authorId: author.id, clientId: `k${++seq}`, body: `hello from the store bench ${seq}`, messageType: 'reply' });
    if (r.status !== 'stored') throw new Error(`append answered ${r.status}`);
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
await store.close();
rmSync(dir, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify({ appendsPerSec: Math.round((counted / elapsed) * 1000), usPerAppend: Math.round((elapsed * 1000 / counted) * 10) / 10 })}\n`);
