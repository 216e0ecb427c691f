// The floor under the store-alone figure: the same messages written by one prepared INSERT
// each and nothing else (no block check, no duplicate read, no conversation or contact
// activity, no promise per append), in transactions as large as the store bench's group
// commits were, on a file with the store's schema and connection settings. `drop` names
// secondary indexes of the messages table to drop first (its primary key and the id's UNIQUE
// always stay), to show what each costs. Run by bench/phases/store.mjs on the same bundle as
// store-append.mjs; prints one JSON line.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const { bundle, contacts = 200, inflight = 8, batch, count = 60_000, warmupCount = 10_000, drop = [] } = JSON.parse(process.argv[2]);
const { openSqliteStore, configureSqlite } = await import(bundle);
const dir = mkdtempSync(join(tmpdir(), 'parley-store-floor-'));
const file = join(dir, 'floor.db');

// Each author with its conversation, made through the store as a first send would.
const store = openSqliteStore(file);
await store.migrate();
const authors = [];
for (let i = 0; i < contacts; i++) {
  const contact = await store.contacts.create({ type: 'lead' });
  const r = await store.conversations.appendMessage({ authorType: 'lead', authorId: contact.id, clientId: 'k0', body: 'first', messageType: 'reply' });
  authors.push({ id: contact.id, conversationId: r.conversation.id });
}
await store.close();

const db = configureSqlite(new Database(file));
for (const name of drop) db.exec(`DROP INDEX ${name}`);
// The append's own statement (server/store/sqlite/append.ts, insertMessageOrIgnore).
const insert = db.prepare(`INSERT OR IGNORE INTO messages (id, conversation_id, contact_id, client_id, author_type, author_id, author_name, body, message_type, created_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
// ObjectId-shaped, time-ordered ids, as the store makes them.
const idPrefix = Math.floor(Date.now() / 1000).toString(16).padStart(8, '0') + 'f100f100f1';
let n = 0;
const writeBatch = db.transaction((size) => {
  const now = new Date().toISOString();
  for (let i = 0; i < size; i++) {
    // In the store bench's order: each author's appends in flight arrive together.
    const a = authors[Math.floor(n / inflight) % authors.length];
    n++;
    insert.run(idPrefix + n.toString(16).padStart(6, '0'), a.conversationId, a.id, `k${n}`, 'lead', a.id, null, `hello from the store bench ${n}`, 'reply', now);
  }
});
const run = (total) => {
  for (let done = 0; done < total; done += batch) writeBatch.immediate(Math.min(batch, total - done));
};

run(warmupCount);
const cpu0 = process.cpuUsage();
const t0 = performance.now();
run(count);
const wallMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
db.close();
rmSync(dir, { recursive: true, force: true });
const round = (x) => Math.round(x * 10) / 10;
process.stdout.write(`${JSON.stringify({ dropped: drop, batch, inserts: count, usPerInsert: round((wallMs * 1000) / count), cpuUsPerInsert: round((cpu.user + cpu.system) / count) })}\n`);
