import Database from 'better-sqlite3';
import { Kysely, SqliteAdapter, SqliteDialect } from 'kysely';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { sqliteDialect } from '../dialect.js';
import { KyselyStore } from '../kysely-store.js';
import { queryTimer, type StoreObserver } from '../observer.js';
import type { Database as Tables } from '../schema.js';
import { SqliteAppender } from './append.js';
import { cachingStatements } from './statement-cache.js';
import { sqliteSteps } from './steps.js';
import { preparedReads } from './prepared-reads.js';

/** WAL size at which a commit checkpoints it (the pragma counts pages, whose size varies by file). */
const WAL_CHECKPOINT_BYTES = 16 * 1024 * 1024;

// SQLite does run DDL in transactions; telling Kysely so makes each migration atomic with its
// bookkeeping row, as PostgreSQL's are.
class TransactionalDdlAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl() {
    return true;
  }
}

class ParleySqliteDialect extends SqliteDialect {
  override createAdapter() {
    return new TransactionalDdlAdapter();
  }
}

/**
 * The connection settings every Parley SQLite handle runs with (the store's, and the bench's
 * insert floor, which must measure the same file set-up).
 */
export function configureSqlite(db: Database.Database): Database.Database {
  // SQLite's default 4 KiB pages. 16 KiB pages made a group commit of messages write fewer WAL
  // frames, but a block's commit (a few rows in several tables) writes 4x the bytes, and the WAL
  // checkpoints that come 4x as often put a block's p99 on one process at 24–25 ms against 9–12
  // with 4 KiB pages (bench/results/*-block-ab-issue11-final-now* and -final4k-now1..3).
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // Keep hot pages in memory; checkpoints run less often in bigger steps.
  db.pragma('cache_size = -32768');
  db.pragma('temp_store = memory');
  db.pragma(`wal_autocheckpoint = ${Math.round(WAL_CHECKPOINT_BYTES / Number(db.pragma('page_size', { simple: true })))}`);
  return db;
}

/**
 * The embedded default store: one SQLite file in WAL mode (not migrated yet). better-sqlite3
 * is synchronous; write transactions are `BEGIN IMMEDIATE`, which also serialises writers
 * from other processes sharing the file.
 */
export function openSqliteStore(path: string, observer?: StoreObserver): KyselyStore {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = configureSqlite(new Database(path));
  const kysely = new Kysely<Tables>({ dialect: new ParleySqliteDialect({ database: cachingStatements(db) }), log: queryTimer(observer) });
  return new KyselyStore({
    db: kysely, dialect: sqliteDialect, appender: new SqliteAppender(db, kysely, observer?.onAppendBatch?.bind(observer)), steps: sqliteSteps(db, kysely),
    fastRead: preparedReads(db),
  });
}
