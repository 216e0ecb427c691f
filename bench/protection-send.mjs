// The send path with protection rules against the same path with none: visitors' messages
// through the core (body check, rules, SQLite append with its group commit), no sockets,
// with the load client's shape (200 contacts × 8 sends in flight). `rules` is 0 or the 20
// typical rules of bench/lib/protection-typical.mjs, none of which matches the bench's
// messages (so every message is stored and both runs do the same writes). Run by
// bench/phases/protection.mjs in its own process on a bundle of the core and the
// SQLite store. Prints one JSON line.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLanes } from './lib/lanes.mjs';
import { TYPICAL, benchBody } from './lib/protection-typical.mjs';

const { bundle, rules = 0, contacts = 200, inflight = 8, durationMs = 5000, warmupMs = 1000 } = JSON.parse(process.argv[2]);
const { openSqliteStore, Core } = await import(bundle);


const dir = mkdtempSync(join(tmpdir(), 'parley-protection-bench-'));
const store = openSqliteStore(join(dir, 'bench.db'));
await store.migrate();
const core = new Core(store);
const actor = { actorType: 'system' };
for (const [i, rule] of TYPICAL.slice(0, rules).entries()) await core.protection.createRule({ name: `typical ${i}`, mode: 'enforce', ...rule }, actor);
const authors = [];
for (let i = 0; i < contacts; i++) {
  const author = await store.contacts.create({ type: 'lead' });
  // Each from its own address, as visitors are (the rule counting new leads per address reads it).
  await store.contacts.recordSeen(author.id, { ip: `10.77.${i >> 8}.${i & 255}` });
  authors.push(author);
}

const { perSec, usPerOp, cpuUsPerOp } = await runLanes(authors, { inflight, warmupMs, durationMs }, async (author, n) => {
  const { held } = await core.messages.sendAsContact({ contactId: author.id, contactType: 'lead', clientId: `k${n}`, body: benchBody(n) });
  if (held) throw new Error('a bench message was held');
});
await store.close();
rmSync(dir, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify({ rules, sendsPerSec: perSec, usPerSend: usPerOp, cpuUsPerSend: cpuUsPerOp })}\n`);
