import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Core } from '../../server/core/core.js';
import { openSqliteStore } from '../../server/store/sqlite/open.js';

// The core on a real SQLite store, in this process: time has to move at a chosen moment,
// inside the block's transaction, which no server process would let a test arrange.
const dirs: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const within = <T>(ms: number, p: Promise<T>) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`still waiting after ${ms} ms`)), ms))]);

describe('a block transaction', () => {
  it('commits with its audit entry even when the webhook-subscription cache expires while it runs (on SQLite a lookup then would wait on its own connection)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-block-tx-'));
    dirs.push(dir);
    let now = Date.now();
    vi.spyOn(Date, 'now').mockImplementation(() => now);
    let inTransaction = false;
    // Every query the block's transaction runs moves the clock past the cache's lifetime.
    const store = openSqliteStore(join(dir, 'p.db'), { onQuery: () => { if (inTransaction) now += 10_000; } });
    try {
      await store.migrate();
      const core = new Core(store);
      const lead = await core.contacts.createLead();
      await core.webhooks.wants(['contact.blocked']); // the cache, filled now
      inTransaction = true;
      const blocked = await within(5000, core.contacts.block(lead.id, { actorType: 'api' }, 'spam'));
      inTransaction = false;
      expect(blocked.contact.blocked).toBe(true);
      const { items } = await core.audit.list({ limit: 10, action: 'security.user_banned' });
      expect(items.map((e) => e.resource.id)).toEqual([lead.id]);
    } finally {
      await store.close();
    }
  });
});
