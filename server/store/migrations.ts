import { Migrator, sql, type Kysely, type Migration } from 'kysely';
import { decode, type Dialect } from './dialect.js';
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

/** Every migration, in order; each runs in its own transaction with its bookkeeping row. */
function migrations(dialect: Dialect): Record<string, Migration> {
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
  return all;
}

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
