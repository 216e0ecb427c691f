import type BetterSqlite3 from 'better-sqlite3';
import type { FastRead } from '../dialect.js';
import { preparedExec } from './steps.js';

/**
 * The page view's reads on better-sqlite3 directly, a measured hot path (issue 15: a
 * returning visitor's page view reads its contact twice, its follow-up, its latest messages
 * and how far agents have read; through Kysely each read costs a query build, a compile and an
 * async round through the driver, about as much again as the read itself). Each SQL text
 * (written once for both dialects, in the repositories) is prepared once and run at once.
 *
 * Only outside a transaction: while one is open on the handle (a Kysely transaction between
 * its awaits) a read here would see its uncommitted rows, so it answers null and the read
 * queues on Kysely's connection mutex as any other. With none open, reading now is what the
 * mutex would have let it do: better-sqlite3 is synchronous, nothing runs in between.
 */
export function preparedReads(db: BetterSqlite3.Database): FastRead {
  const exec = preparedExec(db);
  return (sql, params) => (db.inTransaction ? null : exec({ sql, params }));
}
