import type { Logger } from 'pino';
import type { Core } from '../core/core.js';
import type { ClaimedFollowup } from '../store/store.js';
import { signUnsubscribe } from '../auth/unsubscribe-token.js';
import type { EmailSettings } from '../config.js';
import { followupEmail } from './followup-email.js';
import type { Mailer } from './transport.js';

export interface FollowupWorkerOptions {
  settings: EmailSettings;
  mailer: Mailer;
  /** Key for unsubscribe links (derived for that purpose alone). */
  unsubscribeKey: Buffer;
  /** Base URL for links to this server (PARLEY_PUBLIC_URL, else where it listens). */
  baseUrl: () => string;
  /** Whether the visitor has the messenger open now (any process): then the widget shows the replies. */
  connected: (contactId: string) => Promise<boolean>;
}

/**
 * Every process polls: the core claims due follow-ups with a lease (one process each; after a
 * crash another takes over once the lease runs out), then each is emailed unless the visitor
 * is back in the messenger or blocked meanwhile.
 */
export function startFollowupWorker(core: Core, logger: Logger, o: FollowupWorkerOptions): { close(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  let closed = false;

  async function deliver(f: ClaimedFollowup) {
    if (!(await core.followups.deliverable(f)) || (await o.connected(f.contactId))) return core.followups.done(f, false);
    const token = signUnsubscribe(f.contactId, f.email, o.unsubscribeKey, o.settings.unsubscribeTtlSeconds);
    const mail = followupEmail(f, { from: o.settings.from, unsubscribeUrl: `${o.baseUrl()}/email/unsubscribe?token=${token}` });
    try {
      await o.mailer.send(mail);
    } catch (err) {
      logger.warn({ err, contactId: f.contactId }, 'follow-up email failed; retrying later');
      return core.followups.retryLater(f);
    }
    await core.followups.done(f, true);
  }

  const sweep = async () => {
    for (const f of await core.followups.claimDue()) if (!closed) await deliver(f);
  };
  const timer = setInterval(() => {
    running = running.then(sweep).catch((err) => logger.error({ err }, 'follow-up emails failed'));
  }, o.settings.pollMs);
  timer.unref();
  return {
    async close() {
      closed = true;
      clearInterval(timer);
      await running;
      o.mailer.close();
    },
  };
}
