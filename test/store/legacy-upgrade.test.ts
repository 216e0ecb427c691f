import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../server/store/postgres/open.js';
import { openSqliteStore } from '../../server/store/sqlite/open.js';
import type { Store } from '../../server/store/store.js';
import { DATABASE_URL } from '../support/services.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const DATA = fixture('legacy-data-v5.sql');
const id = (n: number, prefix: string) => `${prefix}${String(n).padStart(23, '0')}`;

/** Everything the version-5 fixture holds, read back through the repositories after the upgrade. */
async function expectFixtureReadable(store: Store) {
  const ada = await store.contacts.get(id(1, 'c'));
  expect(ada).toMatchObject({
    type: 'customer', userId: 'u-1', email: 'ada@example.com', name: 'Ada', customFields: { plan: 'pro' },
    blocked: false, tokenEpoch: 2, emailVerified: true, lastActivity: '2025-06-01T10:00:00.000Z', createdAt: '2025-06-01T09:00:00.000Z',
  });
  // Companies echoed on the contact became entities it links to (migration 7), by name when they had no id.
  expect((await store.companies.listForContacts([id(1, 'c')])).get(id(1, 'c'))).toMatchObject([
    { companyId: 'Acme', name: 'Acme', linkedUsers: 1, lastActivity: '2025-06-01T10:00:00.000Z', companySize: null },
  ]);
  expect(await store.contacts.get(id(2, 'c'))).toMatchObject({ blocked: true, blockedAt: '2025-06-01T11:00:00.000Z', blockedUntil: null, emailVerified: false });
  expect(await store.contacts.get(id(3, 'c'))).toMatchObject({ mergedInto: id(1, 'c') });
  expect((await store.contacts.listBlockEvents(id(2, 'c'))).map((e) => [e.action, e.actorType, e.reason])).toEqual([['block', 'api', 'spam']]);
  expect(await store.contacts.getSeen(id(2, 'c'))).toEqual({ ip: '198.51.100.9', deviceId: 'dev-spam' });
  expect((await store.contacts.findBlockedByDevice('dev-spam', new Date().toISOString()))?.id).toBe(id(2, 'c'));
  expect(await store.contacts.listBlockRules(id(2, 'c'))).toMatchObject([{ id: id(1, 'r'), kind: 'device', value: 'dev-spam', expiresAt: null }]);

  const [conversation] = (await store.conversations.list({ limit: 10 })).items;
  expect(conversation).toMatchObject({ contactId: id(1, 'c'), state: 'open', title: 'Billing', adminAssigneeId: id(1, 'a') });
  const parts = await store.conversations.listMessages(conversation.id);
  expect(parts.map((m) => [m.authorType, m.authorName, m.messageType, m.body])).toEqual([
    ['customer', null, 'reply', 'Hello'], ['admin', 'Grace', 'reply', 'Hi Ada'], ['admin', 'Grace', 'note', 'VIP customer'],
  ]);
  const agent = await store.agents.findByEmail('grace@example.com');
  expect(agent).toMatchObject({ id: id(1, 'a'), role: 'admin', sessionEpoch: 3, deactivatedAt: null });
  // The read marker survives: one contact message read, the admin's own never unread.
  expect((await store.conversations.listInbox({ limit: 10, agentId: agent!.id })).items[0]).toMatchObject({ unread: 0, lastMessage: { body: 'VIP customer' } });

  const hook = await store.webhooks.get(id(1, 'w'));
  expect(hook).toMatchObject({
    topics: ['contact.blocked'], headers: { 'x-k': 'v' }, status: 'active', lastStatus: { code: 500 },
    health: { lastResponseTime: 120, avgResponseTime: 100, lastSuccessAt: '2025-06-01T10:00:00.000Z', errorsSinceLastSuccess: 2, consecutiveFailures: 2 },
  });
  expect(await store.webhooks.listDeliveries(id(1, 'w'), 10)).toMatchObject([{ id: id(1, 'd'), status: 'pending', attempts: 2, lastError: 'HTTP 500' }]);
  expect((await store.audit.list({ limit: 10 })).items).toMatchObject([{ action: 'security.user_banned', metadata: { reason: 'spam' }, resource: { id: id(2, 'c') } }]);

  // New writes continue the old sequences.
  const sent = await store.conversations.appendMessage({ authorType: 'customer', authorId: id(1, 'c'), body: 'after the upgrade', messageType: 'reply', newConversation: true });
  expect(sent.status).toBe('stored');
  if (sent.status === 'stored') expect(Number(sent.conversation.id)).toBeGreaterThan(Number(conversation.id));
  expect(await store.webhooks.countEvents()).toBe(0);
}

describe('upgrading a database made before Kysely (schema_migrations at version 5)', () => {
  it('adopts a SQLite file, runs only the newer migrations, and reads every table back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-legacy-'));
    const path = join(dir, 'parley.db');
    const legacy = new Database(path);
    legacy.exec(fixture('legacy-schema-v5.sqlite.sql'));
    legacy.exec(DATA);
    legacy.close();
    const store = openSqliteStore(path);
    try {
      await store.migrate();
      await store.migrate();
      await expectFixtureReadable(store);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('adopts a PostgreSQL schema, runs only the newer migrations, and reads every table back', async () => {
    const schema = `parley_legacy_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 3000 });
    try {
      await admin.connect();
    } catch (err) {
      if (process.env.CI === 'true') throw err;
      console.warn(`\n!!! SKIPPING the PostgreSQL legacy upgrade: ${(err as Error).message}. Under CI=true this fails. !!!\n`);
      return;
    }
    try {
      await admin.query(`CREATE SCHEMA "${schema}"; SET search_path = "${schema}"`);
      await admin.query(fixture('legacy-schema-v5.postgres.sql'));
      await admin.query(DATA);
      const store = openPostgresStore({ connectionString: DATABASE_URL, schema });
      try {
        await store.migrate();
        await store.migrate();
        await expectFixtureReadable(store);
      } finally {
        await store.close();
      }
    } finally {
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    }
  });
});
