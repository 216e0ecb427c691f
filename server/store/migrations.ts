import { Migrator, sql, type Kysely, type Migration } from 'kysely';
import { decode, type Dialect } from './dialect.js';
import { newObjectId } from './ids.js';
import { POSTGRES_V1_TO_V5 } from './migrations/legacy-postgres.js';
import { SQLITE_V1_TO_V5 } from './migrations/legacy-sqlite.js';
import type { Database } from './schema.js';

// Kysely's bookkeeping tables (its defaults), created here first so adoption can fill them.
const MIGRATION_TABLE = 'kysely_migration';
const MIGRATION_LOCK_TABLE = 'kysely_migration_lock';
// One key for every Parley schema: migrations are rare, and a single key cannot be split by a
// search_path that differs between processes.
const ADOPTION_LOCK = 'parley.store.migrate';

const name = (version: number, what: string) => `${String(version).padStart(4, '0')}_${what}`;
const LEGACY_NAMES = [
  name(1, 'contacts_conversations_messages'), name(2, 'agents_and_read_markers'), name(3, 'wider_blocks_webhooks_audit'),
  name(4, 'agent_session_epoch'), name(5, 'trust_merges_devices'),
];

/** Statements of one legacy script (better-sqlite3 prepares one statement at a time). */
const statements = (script: string) => script.split(/;\s*(?:\n|$)/).map((s) => s.trim()).filter(Boolean);

/** Every migration, in order; each runs in its own transaction with its bookkeeping row (exported for tests that re-run one). */
export function migrations(dialect: Dialect): Record<string, Migration> {
  const legacy = dialect.kind === 'sqlite' ? SQLITE_V1_TO_V5 : POSTGRES_V1_TO_V5;
  const all: Record<string, Migration> = {};
  legacy.forEach((script, i) => {
    all[LEGACY_NAMES[i]] = {
      async up(db) {
        for (const statement of statements(script)) await sql.raw(statement).execute(db);
      },
    };
  });
  // 6: the webhook outbox (events written with the change that fires them) and webhook health
  // as columns, so a delivery attempt updates the counters atomically (x = x + 1).
  all[name(6, 'webhook_outbox_and_health_columns')] = {
    async up(db: Kysely<any>) {
      await db.schema.createTable('webhook_outbox')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('lease_until', dialect.timeType, (c) => c.notNull())
        .addColumn('created_at', dialect.timeType, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('webhook_outbox_due').on('webhook_outbox').columns(['lease_until', 'created_at']).execute();
      for (const column of ['last_response_time', 'avg_response_time', 'errors_since_last_success', 'consecutive_failures']) {
        await db.schema.alterTable('webhooks').addColumn(column, 'integer', (c) => c.notNull().defaultTo(0)).execute();
      }
      await db.schema.alterTable('webhooks').addColumn('last_success_at', dialect.timeType).execute();
      // Carry the counters over from the JSON column (at most a handful of webhooks).
      for (const row of await db.selectFrom('webhooks').select(['id', 'health']).execute()) {
        const h = decode.json(row.health) ?? {};
        await db.updateTable('webhooks').set({
          last_response_time: Number(h.lastResponseTime ?? 0), avg_response_time: Math.round(Number(h.avgResponseTime ?? 0)),
          errors_since_last_success: Number(h.errorsSinceLastSuccess ?? 0), consecutive_failures: Number(h.consecutiveFailures ?? 0),
          last_success_at: h.lastSuccessAt ?? null,
        }).where('id', '=', row.id).execute();
      }
    },
  };
  // 7: companies as entities a contact links to (they were echoed JSON on the contact), and a
  // lease on the end of an expired block so exactly one process announces it.
  all[name(7, 'companies_and_block_expiry_lease')] = {
    async up(db: Kysely<any>) {
      const json = dialect.kind === 'postgres' ? 'jsonb' : 'text';
      await db.schema.createTable('companies')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('company_id', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('company_size', 'integer')
        .addColumn('industry', 'text')
        .addColumn('website', 'text')
        .addColumn('plan', 'text')
        .addColumn('monthly_spend', 'double precision')
        .addColumn('custom_fields', json, (c) => c.notNull().defaultTo('{}'))
        .addColumn('created_at', dialect.timeType)
        .addColumn('updated_at', dialect.timeType, (c) => c.notNull())
        .execute();
      await db.schema.createTable('contact_companies')
        .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id').onDelete('cascade'))
        .addColumn('company_id', 'text', (c) => c.notNull().references('companies.id').onDelete('cascade'))
        .addColumn('linked_at', dialect.timeType, (c) => c.notNull())
        .addPrimaryKeyConstraint('contact_companies_pk', ['contact_id', 'company_id'])
        .execute();
      await db.schema.createIndex('contact_companies_company').on('contact_companies').columns(['company_id']).execute();
      await db.schema.alterTable('contacts').addColumn('block_expiry_lease', dialect.timeType).execute();
      await db.schema.createIndex('contacts_blocked_until').on('contacts').columns(['blocked_until']).execute();
      // Carry the echoed companies over as entities, by the business's id (or, lacking one, the name).
      const now = new Date().toISOString();
      for (const row of await db.selectFrom('contacts').select(['id', 'companies']).where('companies', '!=', '[]').execute()) {
        const list: unknown = decode.json(row.companies);
        for (const item of Array.isArray(list) ? list : []) {
          const companyId = item?.id ?? item?.companyId ?? item?.name;
          if (companyId == null || String(companyId) === '') continue;
          await db.insertInto('companies').values({
            id: newObjectId(), company_id: String(companyId), name: String(item.name ?? companyId), custom_fields: JSON.stringify({}), updated_at: now,
          }).onConflict((oc) => oc.column('company_id').doNothing()).execute();
          const company = await db.selectFrom('companies').select('id').where('company_id', '=', String(companyId)).executeTakeFirstOrThrow();
          await db.insertInto('contact_companies').values({ contact_id: row.id, company_id: company.id, linked_at: now })
            .onConflict((oc) => oc.columns(['contact_id', 'company_id']).doNothing()).execute();
        }
      }
      await db.schema.alterTable('contacts').dropColumn('companies').execute();
    },
  };
  // 8: conversation tags (a workspace catalog and the conversations carrying them), snoozes
  // that end by themselves (any process wakes a due one), and redacted message parts.
  all[name(8, 'tags_snooze_redaction')] = {
    async up(db: Kysely<any>) {
      await db.schema.createTable('tags')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', dialect.timeType, (c) => c.notNull())
        .execute();
      await db.schema.createTable('conversation_tags')
        .addColumn('conversation_id', dialect.kind === 'postgres' ? 'bigint' : 'integer', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
        .addColumn('tag_id', 'text', (c) => c.notNull().references('tags.id').onDelete('cascade'))
        .addColumn('applied_by', 'text')
        .addColumn('applied_at', dialect.timeType, (c) => c.notNull())
        .addPrimaryKeyConstraint('conversation_tags_pk', ['conversation_id', 'tag_id'])
        .execute();
      await db.schema.createIndex('conversation_tags_tag').on('conversation_tags').columns(['tag_id', 'conversation_id']).execute();
      await db.schema.alterTable('conversations').addColumn('snoozed_until', dialect.timeType).execute();
      await db.schema.createIndex('conversations_snoozed_until').on('conversations').column('snoozed_until').execute();
      await db.schema.alterTable('messages').addColumn('redacted_at', dialect.timeType).execute();
    },
  };
  // 9: automatic protection: rules as data, held messages (kept out of `messages`, so no inbox,
  // history or webhook query needs a filter), what rules did or would have done, and the
  // rate-limit hits they count. PostgreSQL pages by a `seq` column, SQLite by its rowid.
  all[name(9, 'protection_rules_held_messages')] = {
    async up(db: Kysely<any>) {
      const seq = <T extends { addColumn: any }>(b: T): T => (dialect.kind === 'postgres' ? b.addColumn('seq', 'bigserial', (c: any) => c.notNull().unique()) : b);
      await seq(db.schema.createTable('protection_rules')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('mode', 'text', (c) => c.notNull())
        .addColumn('conditions', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('preset', 'text', (c) => c.unique())
        .addColumn('created_at', dialect.timeType, (c) => c.notNull())
        .addColumn('updated_at', dialect.timeType, (c) => c.notNull()))
        .execute();
      await seq(db.schema.createTable('held_messages')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id').onDelete('cascade'))
        .addColumn('conversation_id', 'text')
        .addColumn('client_id', 'text')
        .addColumn('author_type', 'text', (c) => c.notNull())
        .addColumn('author_id', 'text', (c) => c.notNull())
        .addColumn('author_name', 'text')
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('rule_id', 'text', (c) => c.notNull())
        .addColumn('rule_name', 'text', (c) => c.notNull())
        .addColumn('created_at', dialect.timeType, (c) => c.notNull()))
        .execute();
      await db.schema.createIndex('held_messages_client_id').unique().on('held_messages').columns(['author_id', 'client_id']).where('client_id', 'is not', null).execute();
      await db.schema.createIndex('held_messages_contact').on('held_messages').columns(['contact_id', 'created_at']).execute();
      await seq(db.schema.createTable('protection_events')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('rule_id', 'text', (c) => c.notNull())
        .addColumn('rule_name', 'text', (c) => c.notNull())
        .addColumn('mode', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('trigger_kind', 'text', (c) => c.notNull())
        .addColumn('contact_id', 'text', (c) => c.notNull())
        .addColumn('excerpt', 'text')
        .addColumn('created_at', dialect.timeType, (c) => c.notNull()))
        .execute();
      await db.schema.createIndex('protection_events_rule').on('protection_events').columns(['rule_id', 'created_at']).execute();
      await db.schema.createIndex('protection_events_created').on('protection_events').columns(['created_at']).execute();
      await db.schema.createTable('protection_signals')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('contact_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('created_at', dialect.timeType, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('protection_signals_contact').on('protection_signals').columns(['contact_id', 'kind', 'created_at']).execute();
      // New leads per address: counted by the `newLeads` condition.
      await db.schema.createIndex('contacts_last_ip').on('contacts').columns(['last_ip', 'created_at']).execute();
    },
  };
  all[name(11, 'conversation_timeline_agent_profiles')] = {
    async up(db) {
      // Assignment and state changes, shown in the conversation's timeline between messages.
      await db.schema.createTable('conversation_events')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('conversation_id', dialect.kind === 'postgres' ? 'bigint' : 'integer', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('actor_type', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text')
        .addColumn('actor_name', 'text')
        .addColumn('assignee_id', 'text')
        .addColumn('assignee_name', 'text')
        .addColumn('created_at', dialect.timeType, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('conversation_events_conversation').on('conversation_events').columns(['conversation_id', 'created_at']).execute();
      // Own profile: the colour behind one's initials, and the opaque key of one's picture (null: none;
      // a new key per upload, so the picture's address never names the agent and never goes stale).
      await db.schema.alterTable('agents').addColumn('avatar_color', 'integer').execute();
      await db.schema.alterTable('agents').addColumn('avatar_key', 'text').execute();
      // The picture itself (a small square WebP, base64), apart so agent reads stay light.
      await db.schema.createTable('agent_avatars')
        .addColumn('agent_id', 'text', (c) => c.primaryKey().references('agents.id').onDelete('cascade'))
        .addColumn('avatar_key', 'text', (c) => c.notNull().unique())
        .addColumn('image', 'text', (c) => c.notNull())
        .addColumn('created_at', dialect.timeType, (c) => c.notNull())
        .execute();
      // The team's saved replies, inserted with / in the composer.
      await db.schema.createTable('saved_replies')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text')
        .addColumn('created_at', dialect.timeType, (c) => c.notNull())
        .addColumn('updated_at', dialect.timeType, (c) => c.notNull())
        .execute();
    },
  };
  // 12: email follow-up of agent replies. One row per contact that left an address: the due
  // time and a lease make delivery survive a crash (any process claims a due row), and
  // `emailed_seq` is the last message already emailed or seen live. Also the visitor's read
  // position per conversation (receipts), written only when the visitor reads, never per send.
  // And the business's messenger settings (office hours, reply time) as one JSON row.
  all[name(12, 'email_followups_visitor_reads_messenger_settings')] = {
    async up(db: Kysely<any>) {
      await db.schema.createTable('email_followups')
        .addColumn('contact_id', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('page_url', 'text')
        .addColumn('locale', 'text')
        .addColumn('emailed_seq', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('due_at', dialect.timeType)
        .addColumn('lease_until', dialect.timeType)
        .addColumn('last_sent_at', dialect.timeType)
        .addColumn('unsubscribed_at', dialect.timeType)
        .addColumn('created_at', dialect.timeType, (c) => c.notNull())
        .addColumn('updated_at', dialect.timeType, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('email_followups_due').on('email_followups').columns(['due_at']).execute();
      await db.schema.createTable('visitor_reads')
        .addColumn('conversation_id', 'bigint', (c) => c.primaryKey().references('conversations.id').onDelete('cascade'))
        .addColumn('message_id', 'text', (c) => c.notNull())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('read_at', dialect.timeType, (c) => c.notNull())
        .execute();
      await db.schema.createTable('settings')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('updated_at', dialect.timeType, (c) => c.notNull())
        .execute();
    },
  };
  // 13: per-contact protection facts kept current by the writes that change them (a message
  // meeting the rules, a hold and its review, a block or unblock), so the rules read one row
  // instead of querying history per message. Filled from what migration 9's tables hold.
  all[name(13, 'protection_contact_state')] = {
    async up(db: Kysely<any>) {
      await db.schema.createTable('protection_contact_state')
        .addColumn('contact_id', 'text', (c) => c.primaryKey().references('contacts.id').onDelete('cascade'))
        .addColumn('text_hash', 'text')
        .addColumn('text_times', 'text')
        .addColumn('held_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('block_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('unblocked_at', dialect.timeType)
        .execute();
      await db.insertInto('protection_contact_state').columns(['contact_id', 'block_count', 'unblocked_at'])
        .expression(db.selectFrom('block_events').innerJoin('contacts', 'contacts.id', 'block_events.contact_id').select((eb) => [
          'block_events.contact_id',
          eb.fn.sum(eb.case().when('block_events.action', '=', 'block').then(1).else(0).end()).as('block_count'),
          eb.fn.max(eb.case().when('block_events.action', '=', 'unblock').then(eb.ref('block_events.created_at')).end()).as('unblocked_at'),
        ]).groupBy('block_events.contact_id'))
        .execute();
      await db.insertInto('protection_contact_state').columns(['contact_id', 'held_count'])
        .expression(db.selectFrom('held_messages').select((eb) => ['contact_id', eb.fn.countAll().as('held_count')]).groupBy('contact_id'))
        .onConflict((oc) => oc.column('contact_id').doUpdateSet((eb) => ({ held_count: eb.ref('excluded.held_count') })))
        .execute();
    },
  };
  // 15: email invitations of new agents: one open invite per agent, only the token's hash kept.
  all[name(15, 'agent_invites')] = {
    async up(db: Kysely<any>) {
      await db.schema.createTable('agent_invites')
        .addColumn('agent_id', 'text', (c) => c.primaryKey().references('agents.id').onDelete('cascade'))
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('expires_at', dialect.timeType, (c) => c.notNull())
        .addColumn('sent_at', dialect.timeType, (c) => c.notNull())
        .addColumn('used_at', dialect.timeType)
        .addColumn('revoked_at', dialect.timeType)
        .execute();
    },
  };
  return all;
}

/** The names of every migration, in order (what a migrated schema has recorded). */
export const migrationNames = (dialect: Dialect): string[] => Object.keys(migrations(dialect));

/**
 * Brings the schema up to date with Kysely's Migrator. A database made before Kysely (its
 * versions in `schema_migrations`) is adopted first: those versions are recorded as applied
 * migrations, then only the newer ones run. On PostgreSQL, processes starting together take
 * turns: adoption under a transaction-scoped advisory lock, migrating under Kysely's own.
 */
export async function migrateToLatest(db: Kysely<Database>, dialect: Dialect, schema?: string): Promise<void> {
  const kysely = db as unknown as Kysely<any>;
  await dialect.transaction(db, async (trx0) => {
    const trx = trx0 as unknown as Kysely<any>;
    if (dialect.kind === 'postgres') {
      await sql`SELECT pg_advisory_xact_lock(hashtext(${ADOPTION_LOCK}))`.execute(trx);
      if (schema) await sql.raw(`CREATE SCHEMA IF NOT EXISTS "${schema}"`).execute(trx);
    }
    await trx.schema.createTable(MIGRATION_TABLE).ifNotExists()
      .addColumn('name', 'varchar(255)', (c) => c.notNull().primaryKey()).addColumn('timestamp', 'varchar(255)', (c) => c.notNull()).execute();
    await trx.schema.createTable(MIGRATION_LOCK_TABLE).ifNotExists()
      .addColumn('id', 'varchar(255)', (c) => c.notNull().primaryKey()).addColumn('is_locked', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    await trx.insertInto(MIGRATION_LOCK_TABLE).values({ id: 'migration_lock', is_locked: 0 }).onConflict((oc) => oc.doNothing()).execute();
    const legacy = await legacyVersions(trx, dialect.kind === 'postgres' ? schema ?? 'public' : undefined);
    const adopted = legacy.filter((v) => v >= 1 && v <= LEGACY_NAMES.length).map((v) => ({ name: LEGACY_NAMES[v - 1], timestamp: new Date().toISOString() }));
    if (adopted.length) await trx.insertInto(MIGRATION_TABLE).values(adopted).onConflict((oc) => oc.doNothing()).execute();
  });
  const migrator = new Migrator({
    db: kysely,
    provider: { getMigrations: async () => migrations(dialect) },
    // Kysely finds its tables by introspection across schemas: name ours, or another schema's would do.
    ...(dialect.kind === 'postgres' ? { migrationTableSchema: schema ?? 'public' } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`migration ${failed ?? ''} failed: ${(error as Error).message ?? error}`, { cause: error });
  }
}

/**
 * Migrations this code knows that the database has not recorded as applied (one query; a
 * readiness probe runs it). Non-zero means the schema is older than the code, e.g. after a
 * restore of an old backup into a running cluster.
 */
export async function pendingMigrations(db: Kysely<Database>, dialect: Dialect): Promise<number> {
  const rows = await (db as unknown as Kysely<any>).selectFrom(MIGRATION_TABLE).select('name').execute();
  const applied = new Set(rows.map((r) => r.name as string));
  return Object.keys(migrations(dialect)).filter((n) => !applied.has(n)).length;
}

/** Versions the pre-Kysely store recorded, or none. */
async function legacyVersions(db: Kysely<any>, schema: string | undefined): Promise<number[]> {
  const tables = await db.introspection.getTables();
  if (!tables.some((t) => t.name === 'schema_migrations' && (!schema || t.schema === schema))) return [];
  const rows = await db.selectFrom('schema_migrations').select('version').execute();
  return rows.map((r) => Number(r.version));
}
