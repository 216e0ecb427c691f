// The send path with protection rules against the same path with none: visitors' messages
// through the core (body check, rules, SQLite append with its group commit), no sockets,
// with the load client's shape (200 contacts × 8 sends in flight). `rules` is 0 or 20
// typical rules, none of which matches the bench's messages (so every message is stored
// and both runs do the same writes). Run by bench/phases/protection.mjs in its own
// process on a bundle of the core and the SQLite store. Prints one JSON line.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLanes } from './lib/lanes.mjs';

const { bundle, rules = 0, contacts = 200, inflight = 8, durationMs = 5000, warmupMs = 1000 } = JSON.parse(process.argv[2]);
const { openSqliteStore, Core } = await import(bundle);

/** Twenty rules an admin would plausibly run, across every kind of condition. */
const TYPICAL = [
  { conditions: [{ type: 'pattern', pattern: 'free\\s+(money|bitcoin|iphone)' }], action: { type: 'hold' } },
  { conditions: [{ type: 'pattern', pattern: '\\b[\\w.]+@[\\w-]+\\.(ru|cn|top)\\b' }], action: { type: 'hold' } },
  { conditions: [{ type: 'pattern', pattern: '(?:\\+?\\d[\\s-]?){12,}' }], action: { type: 'hold' } },
  { conditions: [{ type: 'pattern', pattern: '[x!?]{20,}' }], action: { type: 'hold' } },
  { conditions: [{ type: 'pattern', pattern: 'whats?app\\s*\\+' }], action: { type: 'temporary_block', seconds: 3600 } },
  { conditions: [{ type: 'words', words: ['casino', 'viagra', 'crypto', 'loan', 'escort', 'forex', 'seo', 'backlinks'] }], action: { type: 'hold' } },
  { conditions: [{ type: 'words', words: ['idiot', 'stupid', 'moron'] }, { type: 'contactType', contactType: 'lead' }], action: { type: 'hold' } },
  { conditions: [{ type: 'words', words: ['kill', 'bomb'] }], action: { type: 'block' } },
  { conditions: [{ type: 'links', min: 4 }, { type: 'contactType', contactType: 'lead' }], action: { type: 'hold' } },
  { conditions: [{ type: 'links', min: 10 }], action: { type: 'temporary_block', seconds: 600 } },
  { conditions: [{ type: 'repeated', count: 5, windowSeconds: 60 }], action: { type: 'hold' } },
  { conditions: [{ type: 'repeated', count: 20, windowSeconds: 3600 }], action: { type: 'temporary_block', seconds: 3600 } },
  { conditions: [{ type: 'length', min: 5000 }, { type: 'contactType', contactType: 'lead' }], action: { type: 'hold' } },
  { conditions: [{ type: 'length', max: 0 }], action: { type: 'hold' }, mode: 'dry_run' },
  { conditions: [{ type: 'contactAge', maxSeconds: 10 }, { type: 'links', min: 1 }], action: { type: 'hold' } },
  { conditions: [{ type: 'newLeads', by: 'ip', count: 50, windowSeconds: 600 }], action: { type: 'hold' } },
  { conditions: [{ type: 'afterUnblock', withinSeconds: 60 }, { type: 'links', min: 1 }], action: { type: 'hold' } },
  { conditions: [{ type: 'earlierBlocks', min: 3 }], action: { type: 'hold' }, mode: 'dry_run' },
  { conditions: [{ type: 'rateLimitHits', count: 3, windowSeconds: 600 }], action: { type: 'temporary_block', seconds: 3600 } },
  { conditions: [{ type: 'pattern', pattern: 'bench (never|nothing) matches' }], action: { type: 'hold' }, mode: 'dry_run' },
];

const dir = mkdtempSync(join(tmpdir(), 'parley-protection-bench-'));
const store = openSqliteStore(join(dir, 'bench.db'));
await store.migrate();
const core = new Core(store);
const actor = { actorType: 'system' };
for (const [i, rule] of TYPICAL.slice(0, rules).entries()) await core.protection.createRule({ name: `typical ${i}`, mode: 'enforce', ...rule }, actor);
const authors = [];
for (let i = 0; i < contacts; i++) authors.push(await store.contacts.create({ type: 'lead' }));

const { perSec, usPerOp, cpuUsPerOp } = await runLanes(authors, { inflight, warmupMs, durationMs }, async (author, n) => {
  const { held } = await core.messages.sendAsContact({ contactId: author.id, contactType: 'lead', clientId: `k${n}`, body: `hello from the protection bench ${n}` });
  if (held) throw new Error('a bench message was held');
});
await store.close();
rmSync(dir, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify({ rules, sendsPerSec: perSec, usPerSend: usPerOp, cpuUsPerSend: cpuUsPerOp })}\n`);
