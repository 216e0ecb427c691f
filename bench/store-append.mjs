// Store only, no sockets: how many visitor messages per second the SQLite store appends on
// its own (group commit, block check, duplicate check, insert, activity), with the load
// client's shape (200 contacts × 8 appends in flight). Run by bench/run.mjs in its own process
// on a bundle of server/store/sqlite/open.ts. Prints one JSON line.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLanes } from './lib/lanes.mjs';

const { bundle, contacts = 200, inflight = 8, durationMs = 5000, warmupMs = 1000 } = JSON.parse(process.argv[2]);
const { openSqliteStore } = await import(bundle);
const dir = mkdtempSync(join(tmpdir(), 'parley-store-bench-'));
const store = openSqliteStore(join(dir, 'bench.db'));
await store.migrate();
const authors = [];
for (let i = 0; i < contacts; i++) authors.push(await store.contacts.create({ type: 'lead' }));

const { perSec, usPerOp } = await runLanes(authors, { inflight, warmupMs, durationMs }, async (author, n) => {
  const r = await store.conversations.appendMessage({ authorType: 'lead', authorId: author.id, clientId: `k${n}`, body: `hello from the store bench ${n}`, messageType: 'reply' });
  if (r.status !== 'stored') throw new Error(`append answered ${r.status}`);
});
await store.close();
rmSync(dir, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify({ appendsPerSec: perSec, usPerAppend: usPerOp })}\n`);
