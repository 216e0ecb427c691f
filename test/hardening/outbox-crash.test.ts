import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { blockContact, sdk } from '../support/api.js';
import { startServerProcess } from '../support/cluster.js';
import type { TestServer } from '../support/server.js';
import { connectVisitor } from '../support/visitor.js';
import { startReceiver } from '../support/webhook-receiver.js';

const dir = mkdtempSync(join(tmpdir(), 'parley-outbox-crash-'));
const path = join(dir, 'parley.db');
const env = {
  DATABASE_URL: path, PARLEY_API_KEY: 'pk_outbox_crash_key', PARLEY_SECRET: 'outbox-crash-secret-outbox-crash-secret',
  PARLEY_WEBHOOKS_ALLOW_PRIVATE: 'true', PARLEY_WEBHOOK_POLL_MS: '50',
};
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a server killed between committing a change and dispatching its webhook', () => {
  it('delivers the event exactly once after a restart on the same database', async () => {
    const receiver = await startReceiver();
    // The first process dies by SIGKILL as soon as an outbox event is there to dispatch.
    const doomed = await startServerProcess({ ...env, PARLEY_TEST_CRASH_AFTER_COMMIT: 'outbox' });
    const api = { url: doomed.url, apiKey: env.PARLEY_API_KEY } as TestServer;
    await sdk(api).webhooks.create({ name: 'crash', url: receiver.url, topics: ['contact.blocked'] as any });
    const visitor = await connectVisitor(doomed.url);
    const contactId = visitor.session.contact.id;
    // The block commits (with its outbox event); the answer may or may not get out before the kill.
    await blockContact(api, contactId, 'crash test').catch(() => null);
    await new Promise<void>((resolve) => (doomed.child.exitCode !== null || doomed.child.signalCode !== null ? resolve() : doomed.child.once('exit', () => resolve())));
    visitor.close();
    expect(doomed.child.signalCode).toBe('SIGKILL');
    expect(receiver.received).toEqual([]);
    const db = new Database(path, { readonly: true });
    expect(db.prepare('SELECT count(*) AS n FROM webhook_outbox').get()).toEqual({ n: 1 });
    db.close();

    const restarted = await startServerProcess(env);
    try {
      const hook = await receiver.next((h) => h.body.topic === 'contact.blocked');
      expect(hook.body.data.item).toMatchObject({ id: contactId, blocked: true, block: { action: 'block', reason: 'crash test' } });
      // Settled: the event left the outbox and its one delivery is delivered; nothing else comes.
      const check = new Database(path, { readonly: true });
      try {
        await expect.poll(() => check.prepare(`SELECT status FROM webhook_deliveries`).all(), { timeout: 5000 }).toEqual([{ status: 'delivered' }]);
        expect(check.prepare('SELECT count(*) AS n FROM webhook_outbox').get()).toEqual({ n: 0 });
      } finally {
        check.close();
      }
      expect(receiver.received.filter((h) => h.body.topic === 'contact.blocked')).toHaveLength(1);
    } finally {
      await restarted.stop();
      await receiver.close();
    }
  });
});
