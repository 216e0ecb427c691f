import { Kysely, PostgresDialect, sql, type DatabaseIntrospector, type SchemaMetadata, type TableMetadata } from 'kysely';
import pg from 'pg';
import { postgresDialect } from '../dialect.js';
import { KyselyStore } from '../kysely-store.js';
import { queryTimer, type StoreObserver } from '../observer.js';
import type { Database } from '../schema.js';
import { PostgresAppender } from './append.js';

export interface PostgresStoreOptions {
  /** `postgres://user@host:port/db` */
  connectionString: string;
  /** Schema for all tables (created by migrate); default: the server's search_path (`public`). */
  schema?: string;
  /** Connections in the pool; default 10. */
  poolSize?: number;
  /** Errors of idle pooled connections (the pool replaces them); default: ignored. */
  onError?: (err: Error) => void;
  /** Told of query latencies and append batches (metrics). */
  observer?: StoreObserver;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Table lookups for the migrator, limited to the schemas on our search_path. Kysely's own
 * introspector reads every schema by name, and fails while another process (a parallel test
 * run, another tenant) drops one.
 */
class SearchPathIntrospector implements DatabaseIntrospector {
  constructor(private readonly db: Kysely<any>) {}

  async getSchemas(): Promise<SchemaMetadata[]> {
    const r = await sql<{ name: string }>`SELECT nspname AS name FROM pg_namespace`.execute(this.db);
    return r.rows;
  }

  async getTables(): Promise<TableMetadata[]> {
    const r = await sql<{ name: string; schema: string }>`SELECT c.relname AS name, n.nspname AS schema FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND n.nspname = ANY (current_schemas(false))`.execute(this.db);
    return r.rows.map((t) => ({ ...t, isView: false, columns: [] }));
  }

  async getMetadata() {
    return { tables: await this.getTables() };
  }
}

class ParleyPostgresDialect extends PostgresDialect {
  override createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new SearchPathIntrospector(db);
  }
}

/**
 * The PostgreSQL store (not migrated yet), for several Parley processes sharing one database.
 * Everything a rule depends on is decided inside a transaction holding the contact's row
 * lock, never in process memory, so the rules hold whichever process a request lands on.
 */
export function openPostgresStore(opts: PostgresStoreOptions): KyselyStore {
  if (opts.schema !== undefined && !SCHEMA_NAME.test(opts.schema)) {
    throw new Error(`invalid schema name ${JSON.stringify(opts.schema)}: use lowercase letters, digits and _`);
  }
  const pool = new pg.Pool({
    connectionString: opts.connectionString,
    max: opts.poolSize ?? 10,
    application_name: 'parley',
    // Every pooled connection resolves table names in our schema only.
    ...(opts.schema ? { options: `-c search_path=${opts.schema}` } : {}),
  });
  // Without a listener an idle connection's error (a server restart) would crash the process.
  pool.on('error', opts.onError ?? (() => {}));
  // Kysely ends the pool on destroy; the append hot path shares it.
  const db = new Kysely<Database>({ dialect: new ParleyPostgresDialect({ pool }), log: queryTimer(opts.observer) });
  const appender = new PostgresAppender(pool, opts.observer?.onAppendBatch?.bind(opts.observer));
  return new KyselyStore({ db, dialect: postgresDialect, appender, schema: opts.schema ?? null });
}
