import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { StoreObserver } from './observer.js';
import type { Store } from './store.js';

/** Where SQLite lives when DATABASE_URL is unset. */
export const DEFAULT_SQLITE_PATH = './data/parley.db';

export interface CreateStoreOptions {
  /** Told of query latencies and append batches (metrics); default none. */
  observer?: StoreObserver;
  /** PostgreSQL only: schema for all tables (created by migrate); default `public`. */
  schema?: string;
  /** PostgreSQL only: pool size; default 10. */
  poolSize?: number;
  /** PostgreSQL only: errors of idle pooled connections; default ignored (the pool replaces them). */
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
    const { openPostgresStore } = await import('./postgres/open.js');
    store = openPostgresStore({ connectionString: url, ...opts });
  } else {
    const { openSqliteStore } = await import('./sqlite/open.js');
    if (url !== ':memory:') prepareSqliteFile(url);
    store = openSqliteStore(url, opts.observer);
  }
  try {
    await store.migrate();
  } catch (err) {
    await store.close().catch(() => {});
    throw err;
  }
  // After migrating: SQLite has made its -wal and -shm files by now.
  if (!isPostgresUrl(url) && url !== ':memory:') tightenSqliteFiles(url);
  return store;
}

// The database holds visitors' messages and agents' password hashes: owner-only, like an ssh key.
const DIR_MODE = 0o700;
const FILE_MODE = 0o600;
const SECRETS_FILE = 'parley-dev-secrets.json';
const sqliteFiles = (path: string) => [path, `${path}-wal`, `${path}-shm`, `${path}-journal`];

/**
 * Before SQLite opens it: the directory exists 0700 and the file 0600, so nothing is ever
 * readable by others, not even between creation and a chmod (SQLite gives -wal and -shm the
 * database file's mode).
 */
function prepareSqliteFile(path: string) {
  const dir = dirname(path);
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: DIR_MODE });
  else if ((statSync(dir).mode & 0o777) !== DIR_MODE && ownDirectory(dir, path)) tighten(dir, DIR_MODE);
  if (!existsSync(path)) closeSync(openSync(path, 'a', FILE_MODE));
}

/** After opening: files left 0644 by older versions (or made by SQLite meanwhile) become 0600. */
function tightenSqliteFiles(path: string) {
  for (const file of [...sqliteFiles(path), join(dirname(path), SECRETS_FILE)]) {
    const stat = statSync(file, { throwIfNoEntry: false });
    if (stat && (stat.mode & 0o777) !== FILE_MODE) tighten(file, FILE_MODE);
  }
}

function tighten(path: string, mode: number) {
  try {
    chmodSync(path, mode);
  } catch (err) {
    // Someone else's file (EPERM): say so rather than refuse to start.
    process.emitWarning(`Could not chmod ${path} to ${mode.toString(8)}: ${(err as Error).message}`);
  }
}

/**
 * Whether `dir` is Parley's own data directory (holds nothing but this database and the dev
 * secrets), so its mode is ours to set. A shared directory (the working directory, /var/lib)
 * keeps its mode: only the files are tightened there.
 */
function ownDirectory(dir: string, path: string): boolean {
  const ours = new Set([...sqliteFiles(path).map((f) => basename(f)), SECRETS_FILE]);
  return readdirSync(dir).every((name) => ours.has(name));
}
