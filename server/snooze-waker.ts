import type { Logger } from 'pino';
import type { Core } from './core/core.js';
import { WAKE_BATCH } from './core/conversations.js';

/** How often each process looks for snoozes that are due (one indexed query). */
export const SNOOZE_SWEEP_MS = 1_000;

/**
 * Opens snoozed conversations when their time comes. Every process sweeps; the store's
 * update is the claim, so each conversation is woken (pushed, webhooked) exactly once,
 * whichever process snoozed it and even if that one is gone.
 */
export function startSnoozeWaker(core: Core, logger: Logger, everyMs = SNOOZE_SWEEP_MS): { close(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = running
      .then(async () => {
        // A full batch means more may be due: go on at once.
        while ((await core.conversations.wakeSnoozed()) >= WAKE_BATCH);
      })
      .catch((err) => logger.error({ err }, 'waking snoozed conversations failed'));
  }, everyMs);
  timer.unref();
  return {
    async close() {
      clearInterval(timer);
      await running;
    },
  };
}
