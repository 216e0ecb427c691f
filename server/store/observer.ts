import type { Logger } from 'kysely';

/**
 * What the store reports about its own work, for whoever measures it (the server's metrics).
 * The store only calls these; it imports nothing of the caller. Both run on the hot path, so
 * an implementation must be cheap and never throw.
 */
export interface StoreObserver {
  /** After each query run through Kysely (everything but the message append), with its duration. */
  onQuery?(durationMs: number): void;
  /** After each message-append transaction that answered its appends: how many it held (the group commit; 1 for an append that went alone) and how long it took. */
  onAppendBatch?(size: number, durationMs: number): void;
}

/**
 * Kysely's `log` option, reporting each query's duration (failed ones too) to `observer`.
 * Without an observer there is none, and Kysely times nothing.
 */
export function queryTimer(observer: StoreObserver | undefined): Logger | undefined {
  if (!observer?.onQuery) return undefined;
  return (event) => observer.onQuery!(event.queryDurationMillis);
}
