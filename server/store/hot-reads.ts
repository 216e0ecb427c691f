import type { Conn } from './dialect.js';
import { kyselyExec, type Stmt } from './protection-sql.js';

type Row = Record<string, any>;

/**
 * A read on the page view's hot path, a measured one (issue 15: with the page view's reads
 * here and the session's two in one, page-view churn went from 0.35x to 0.68x of bare
 * socket.io's views/s, bench/results/*T1225-send-pg-churn-* and *T1534-send-pg-churn-*). Written once as plain SQL for both dialects: on SQLite
 * outside a transaction it runs on a prepared statement at once (sqlite/prepared-reads.ts);
 * in a transaction, or on PostgreSQL, through Kysely without building or compiling a query.
 */
export function hotRead(c: Conn, s: Stmt): Promise<Row[]> {
  const rows = c.inTransaction || !c.fastRead ? null : c.fastRead(s.sql, s.params);
  return rows ? Promise.resolve(rows) : kyselyExec(c)(s);
}
