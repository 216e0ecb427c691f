import type { Kysely } from 'kysely';
import { Conn, type Dialect } from './dialect.js';
import { kyselyExec, runAsync, type Steps } from './protection-sql.js';
import type { Database } from './schema.js';

/** Runs statement steps (see protection-sql.ts) in one write transaction of its own. */
export type StepRunner = <T>(steps: () => Steps<T>) => Promise<T>;

/** Through Kysely, one awaited statement at a time (PostgreSQL: one pooled connection, BEGIN … COMMIT). */
export const kyselySteps = (db: Kysely<Database>, dialect: Dialect): StepRunner =>
  (steps) => dialect.transaction(db, (trx) => runAsync(steps(), kyselyExec(new Conn(trx, dialect, true))));
