// The send path with protection rules against the same path with none: visitors' messages
// through the core (body check, rules, SQLite append with its group commit), no sockets,
// with the load client's shape (200 contacts × 8 sends in flight). `rules` is 0 or the 20
// typical rules of bench/lib/protection-typical.mjs, none of which matches the bench's
// messages (so every message is stored and both runs do the same writes). Run by
// bench/phases/protection.mjs in its own process on a bundle of the core and the
// SQLite store. Prints one JSON line.
// With `count`, it sends exactly that many messages after a fixed warm-up instead (for
// callgrind: the instruction count of 2N sends minus that of N is N sends' worth, whatever
// the machine is doing meanwhile).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCount, runLanes } from './lib/lanes.mjs';
import { TYPICAL, benchBody } from './lib/protection-typical.mjs';

const { bundle, rules = 0, contacts = 200, inflight = 8, durationMs = 5000, warmupMs = 1000, count = 0, warmupCount = 2000, pick } = JSON.parse(process.argv[2]);
const { openSqliteStore, Core } = await import(bundle);

const dir = mkdtempSync(join(tmpdir(), 'parley-protection-bench-'));
const store = openSqliteStore(join(dir, 'bench.db'));
await store.migrate();
const core = new Core(store);
const actor = { actorType: 'system' };
// `pick` (indexes into TYPICAL) runs a subset instead: to find which rules cost.
for (const [i, rule] of (pick ? pick.map((k) => TYPICAL[k]) : TYPICAL.slice(0, rules)).entries()) await core.protection.createRule({ name: `typical ${i}`, mode: 'enforce', ...rule }, actor);
const authors = [];
for (let i = 0; i < contacts; i++) {
  const author = await store.contacts.create({ type: 'lead' });
  // Each from its own address, as visitors are (the rule counting new leads per address reads it).
  await store.contacts.recordSeen(author.id, { ip: `10.77.${i >> 8}.${i & 255}` });
  authors.push(author);
}

let n = 0;
const send = async (author) => {
  const { held } = await core.messages.sendAsContact({ contactId: author.id, contactType: 'lead', clientId: `k${++n}`, body: benchBody(n) });
  if (held) throw new Error('a bench message was held');
};

let result;
if (count > 0) {
  const { ops, cpuUs } = await runCount(authors, { inflight, count, warmupCount }, send);
  result = { rules, sends: ops, cpuUs };
} else {
  const { perSec, usPerOp, cpuUsPerOp } = await runLanes(authors, { inflight, warmupMs, durationMs }, send);
  result = { rules, sendsPerSec: perSec, usPerSend: usPerOp, cpuUsPerSend: cpuUsPerOp };
}
await store.close();
rmSync(dir, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify(result)}\n`);
