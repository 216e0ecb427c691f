import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createStore, isPostgresUrl } from '../../server/store/create-store.js';
import { postgresDialect } from '../../server/store/dialect.js';
import { migrationNames } from '../../server/store/migrations.js';
import { openPostgresStore } from '../../server/store/postgres/open.js';
import type { AppendResult, Store } from '../../server/store/store.js';
import type { KyselyStore } from '../../server/store/kysely-store.js';
import { runStoreContracts } from './contracts/index.js';

const DATABASE_URL = isPostgresUrl(process.env.DATABASE_URL ?? '')
  ? process.env.DATABASE_URL!
  : 'postgres://postgres@127.0.0.1:5432/postgres';

const shown = (url: string) => {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
};

async function probe(): Promise<string | null> {
  const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (err) {
    return (err as Error).message || String(err);
  } finally {
    await client.end().catch(() => {});
  }
}

const unreachable = await probe();

// Each store gets its own schema, so parallel test files and dev data never meet.
const testSchema = () => `parley_test_${randomBytes(6).toString('hex')}`;

/** Runs one statement on its own connection (in the store's schema when given). */
async function query(text: string, values: unknown[] = [], schema?: string | null) {
  const client = new pg.Client({ connectionString: DATABASE_URL, ...(schema ? { options: `-c search_path=${schema}` } : {}) });
  await client.connect();
  try {
    return await client.query(text, values);
  } finally {
    await client.end();
  }
}

/** Drops the store's schema; call it once the store is closed. */
const dropSchema = async (s: Store) => {
  const { schema } = s as KyselyStore;
  if (schema) await query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
};

const openMigrated = async () => {
  const store = openPostgresStore({ connectionString: DATABASE_URL, schema: testSchema() });
  await store.migrate();
  return store;
};

/** Resolves once some connection waits for a lock that backend `pid` holds. */
async function waitUntilBlockedBy(pid: number) {
  for (let i = 0; i < 500; i++) {
    const r = await query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE $1 = ANY (pg_blocking_pids(pid))', [pid]);
    if (r.rows[0].n > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`nothing waited on backend ${pid}: the store did not take the contact's row lock`);
}

if (unreachable) {
  const why = `PostgreSQL is unreachable at ${shown(DATABASE_URL)} (${unreachable}); set DATABASE_URL or start PostgreSQL`;
  if (process.env.CI === 'true') {
    describe('store contract: postgres', () => {
      it('needs PostgreSQL under CI=true', () => {
        throw new Error(why);
      });
    });
  } else {
    console.warn(`\n!!! SKIPPING the PostgreSQL store tests: ${why}. Under CI=true this fails. !!!\n`);
    describe.skip('store contract: postgres (PostgreSQL unreachable)', () => {
      it('runs the store contract', () => {});
    });
  }
} else {
  runStoreContracts({ name: 'postgres', open: openMigrated, cleanup: dropSchema });

  describe('postgres store across processes', () => {
    // Two PostgreSQL stores with their own pools are, to the database, two server processes.
    const opened: KyselyStore[] = [];
    const open = async (schema: string, migrate = true) => {
      const store = openPostgresStore({ connectionString: DATABASE_URL, schema });
      opened.push(store);
      if (migrate) await store.migrate();
      return store;
    };
    afterEach(async () => {
      const first = opened[0];
      await Promise.all(opened.splice(0).map((s) => s.close()));
      if (first) await dropSchema(first);
    });

    it('applies each migration once when two processes start together', async () => {
      const schema = testSchema();
      const [a, b] = [await open(schema, false), await open(schema, false)];
      await Promise.all([a.migrate(), b.migrate(), a.migrate()]);
      const names = async () => (await query('SELECT name FROM kysely_migration ORDER BY name', [], schema)).rows.map((r) => r.name as string);
      const applied = await names();
      expect(applied).toEqual(migrationNames(postgresDialect));
      expect(applied[0]).toMatch(/^0001_/);
      await b.migrate();
      expect(await names()).toEqual(applied);
    });

    it('refuses every send through one process once a block through another has answered', async () => {
      const schema = testSchema();
      const a = await open(schema);
      const b = await open(schema);
      const contact = await a.contacts.create({ type: 'lead' });
      for (let round = 0; round < 5; round++) {
        const sends: Promise<{ r: AppendResult; afterBlock: boolean }>[] = [];
        let blocked = false;
        for (let i = 0; i < 60; i++) {
          const afterBlock = blocked;
          const via = i % 2 ? a : b;
          sends.push(via.conversations.appendMessage({ authorType: 'lead', authorId: contact.id, body: `r${round}-${i}`, messageType: 'reply', clientId: `r${round}-${i}` })
            .then((r) => ({ r, afterBlock })));
          if (i === 30) await b.contacts.setBlocked({ contactId: contact.id, blocked: true, actorType: 'api' }).then(() => { blocked = true; });
        }
        const results = await Promise.all(sends);
        for (const { r, afterBlock } of results) if (afterBlock) expect(r.status).toBe('blocked');
        const stored = results.filter(({ r }) => r.status === 'stored').map(({ r }) => r.status === 'stored' && r.message.id);
        const history = (await b.conversations.listContactMessages(contact.id, { limit: 10_000 })).messages.filter((m) => m.body.startsWith(`r${round}-`));
        expect(history.map((m) => m.id).sort()).toEqual(stored.sort());
        const unblocked = await a.contacts.setBlocked({ contactId: contact.id, blocked: false, actorType: 'api' });
        expect(unblocked?.changed).toBe(true);
      }
      const after = await b.conversations.appendMessage({ authorType: 'lead', authorId: contact.id, body: 'restored', messageType: 'reply' });
      expect(after.status).toBe('stored');
    });

    it('a send waiting on a block still being committed elsewhere is refused once it commits', async () => {
      const store = await open(testSchema());
      const contact = await store.contacts.create({ type: 'lead' });
      // Another process is mid-way through blocking: its row lock is held, nothing committed yet.
      const other = new pg.Client({ connectionString: DATABASE_URL, options: `-c search_path=${store.schema}` });
      await other.connect();
      try {
        await other.query('BEGIN');
        await other.query('UPDATE contacts SET blocked = true, blocked_at = now() WHERE id = $1', [contact.id]);
        const pid = (await other.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
        const sending = store.conversations.appendMessage({ authorType: 'lead', authorId: contact.id, body: 'racing', messageType: 'reply' });
        await waitUntilBlockedBy(pid);
        await other.query('COMMIT');
        expect((await sending).status).toBe('blocked');
        expect((await store.conversations.listContactMessages(contact.id, { limit: 10 })).messages).toEqual([]);
      } finally {
        await other.end();
      }
    });

    it('a block waits for a send in flight elsewhere, which therefore lands before the block answers', async () => {
      const store = await open(testSchema());
      const contact = await store.contacts.create({ type: 'lead' });
      const other = new pg.Client({ connectionString: DATABASE_URL, options: `-c search_path=${store.schema}` });
      await other.connect();
      try {
        // Another process is storing a message: it holds the author's row lock.
        await other.query('BEGIN');
        await other.query('SELECT 1 FROM contacts WHERE id = $1 FOR UPDATE', [contact.id]);
        const pid = (await other.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
        let answered = false;
        const blocking = store.contacts.setBlocked({ contactId: contact.id, blocked: true, actorType: 'api' }).then((r) => { answered = true; return r; });
        await waitUntilBlockedBy(pid);
        expect(answered).toBe(false);
        await other.query('COMMIT');
        expect((await blocking)?.changed).toBe(true);
      } finally {
        await other.end();
      }
    });

    it('stores exactly one message when the same clientId races through two processes', async () => {
      const schema = testSchema();
      const a = await open(schema);
      const b = await open(schema);
      const contact = await a.contacts.create({ type: 'lead' });
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? a : b).conversations.appendMessage({ authorType: 'lead', authorId: contact.id, body: 'race', messageType: 'reply', clientId: 'same' })));
      expect(results.filter((r) => r.status === 'stored')).toHaveLength(1);
      expect(results.filter((r) => r.status === 'duplicate')).toHaveLength(19);
      expect((await a.conversations.listContactMessages(contact.id, { limit: 100 })).messages).toHaveLength(1);
    });

    it('answers an admin reusing a clientId with the stored message and creates nothing', async () => {
      const store = await open(testSchema());
      const contact = await store.contacts.create({ type: 'lead' });
      const admin = { authorType: 'admin', authorId: 'a'.repeat(24), body: 'hi', messageType: 'reply', contactId: contact.id, newConversation: true, clientId: 'k' } as const;
      const first = await store.conversations.appendMessage(admin);
      const again = await store.conversations.appendMessage(admin);
      expect(first.status).toBe('stored');
      expect(again.status).toBe('duplicate');
      if (first.status !== 'stored' || again.status !== 'duplicate') return;
      expect(again.message.id).toBe(first.message.id);
      expect((await store.conversations.list({ limit: 10, contactId: contact.id })).items).toHaveLength(1);
    });

    it('treats conversation ids that are not bigints as not found', async () => {
      const store = await open(testSchema());
      const contact = await store.contacts.create({ type: 'lead' });
      for (const id of ['abc', '1e3', '-1', '99999999999999999999']) {
        expect(await store.conversations.get(id)).toBeNull();
        expect(await store.conversations.update(id, { state: 'closed' })).toBeNull();
        expect(await store.conversations.delete(id)).toBe(false);
        expect(await store.conversations.listMessages(id)).toEqual([]);
        const r = await store.conversations.appendMessage({ authorType: 'lead', authorId: contact.id, body: 'x', messageType: 'reply', conversationId: id });
        expect(r.status).toBe('conversation_not_found');
      }
    });

    it('keeps timestamps as ISO strings with milliseconds', async () => {
      const store = await open(testSchema());
      const contact = await store.contacts.create({ type: 'lead' });
      expect(contact.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      const r = await store.conversations.appendMessage({ authorType: 'lead', authorId: contact.id, body: 'x', messageType: 'reply', createdAt: '2024-01-02T03:04:05.678Z' });
      expect(r.status === 'stored' && [r.message.createdAt, r.conversation.lastActivityAt]).toEqual(['2024-01-02T03:04:05.678Z', '2024-01-02T03:04:05.678Z']);
      expect((await store.contacts.get(contact.id))?.lastActivity).toBe('2024-01-02T03:04:05.678Z');
    });
  });

  describe('createStore', () => {
    it('opens a migrated PostgreSQL store for postgres:// and postgresql:// URLs', async () => {
      for (const url of [DATABASE_URL, DATABASE_URL.replace(/^postgres(ql)?:/, 'postgresql:')]) {
        const store = await createStore(url, { schema: testSchema(), poolSize: 2 });
        try {
          expect(store.kind).toBe('postgres');
          expect((await store.contacts.create({ type: 'lead' })).id).toMatch(/^[0-9a-f]{24}$/);
        } finally {
          await dropSchema(store);
          await store.close();
        }
      }
    });
  });
}

describe('createStore without PostgreSQL', () => {
  it('opens a migrated SQLite store for a file path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-create-store-'));
    const store = await createStore(join(dir, 'parley.db'));
    try {
      expect(store.kind).toBe('sqlite');
      expect((await store.contacts.create({ type: 'lead' })).id).toMatch(/^[0-9a-f]{24}$/);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
