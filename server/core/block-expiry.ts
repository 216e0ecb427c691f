import type { Contacts } from './contacts.js';

/**
 * Every process looks for temporary blocks that have ended, every `pollMs`; the store's lease
 * hands each one to a single process (see Contacts.expireDueBlocks). Not a timer in the
 * process that set the block: a restart or another process loses nothing.
 */
export function startBlockExpiry(contacts: Contacts, pollMs: number, onError: (err: unknown) => void) {
  let running: Promise<void> | null = null;
  const tick = () => {
    running ??= (async () => {
      // Claimed ones are leased, so this ends once no unclaimed block is due.
      while ((await contacts.expireDueBlocks()) > 0);
    })().catch(onError).finally(() => {
      running = null;
    });
  };
  const timer = setInterval(tick, pollMs);
  timer.unref();
  tick();
  return {
    async close() {
      clearInterval(timer);
      await running;
    },
  };
}
