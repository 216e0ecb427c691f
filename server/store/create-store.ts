import type { Store } from './store.js';

/** Where SQLite lives when DATABASE_URL is unset. */
export const DEFAULT_SQLITE_PATH = './data/parley.db';

/** Options that only the PostgreSQL store reads. */
export interface CreateStoreOptions {
  /** Schema for all tables (created by migrate); default `public`. */
  schema?: string;
  /** PostgreSQL pool size; default 10. */
  poolSize?: number;
  /** Errors of idle pooled connections; default ignored (the pool replaces them). */
  onError?: (err: Error) => void;
}

export const isPostgresUrl = (url: string): boolean => /^postgres(ql)?:\/\//.test(url);

/**
 * Opens and migrates the store DATABASE_URL names: `postgres://…` or `postgresql://…`
 * selects PostgreSQL, anything else is a SQLite file path (default ./data/parley.db).
 * Each backend is loaded on demand, so SQLite deployments never load `pg`.
 */
export async function createStore(databaseUrl: string | undefined, opts: CreateStoreOptions = {}): Promise<Store> {
  const url = databaseUrl?.trim() || DEFAULT_SQLITE_PATH;
  let store: Store;
  if (isPostgresUrl(url)) {
    const { PgStore } = await import('./postgres/postgres-store.js');
    store = new PgStore({ connectionString: url, ...opts });
  } else {
    const { SqliteStore } = await import('./sqlite/sqlite-store.js');
    store = new SqliteStore(url);
  }
  try {
    await store.migrate();
  } catch (err) {
    await store.close().catch(() => {});
    throw err;
  }
  return store;
}
