import { ParleyError } from './errors.js';
import type { ClaimedFollowup, ContactRecord, FollowupRecord, Store } from '../store/store.js';

/** Batching and pacing of follow-up emails. */
export interface FollowupPolicy {
  /** A reply waits this long before it is emailed, so replies written together go in one email. */
  batchDelayMs: number;
  /** At most one email per contact (so per conversation) within this interval. */
  minIntervalMs: number;
  /** A claimed follow-up belongs to its process this long; after a crash another takes it. */
  leaseMs: number;
  /** Most replies quoted in one email (the rest follow in the next one). */
  repliesPerEmail: number;
}

export const DEFAULT_FOLLOWUP_POLICY: FollowupPolicy = { batchDelayMs: 60_000, minIntervalMs: 5 * 60_000, leaseMs: 60_000, repliesPerEmail: 20 };

/** Delay before a failed delivery is tried again (any process). */
const RETRY_MS = 60_000;

/**
 * Email follow-up of agent replies: a visitor leaves an address, and replies written while
 * they are away are emailed in batches. The store derives what is due from the messages
 * themselves and leases it to one process, so a crash loses nothing; the sending itself
 * (SMTP or `.eml` files) is the worker's, in server/email.
 */
export class Followups {
  constructor(private readonly store: Store, private readonly policy: FollowupPolicy = DEFAULT_FOLLOWUP_POLICY) {}

  /** Saves the visitor's address; a blocked contact cannot leave one. */
  async subscribe(contactId: string, input: { email: string; pageUrl?: string | null; locale?: string | null }): Promise<FollowupRecord> {
    const contact = await this.store.contacts.get(contactId);
    if (!contact) throw new ParleyError('contact_not_found');
    if (contact.blocked) throw new ParleyError('contact_blocked');
    return this.store.followups.subscribe({ contactId, email: input.email.trim(), pageUrl: input.pageUrl ?? null, locale: input.locale ?? null });
  }

  get(contactId: string): Promise<FollowupRecord | null> {
    return this.store.followups.get(contactId);
  }

  /** The contact (null: none) and its follow-up, in one read: what a messenger session starts from. */
  withContact(contactId: string): Promise<{ contact: ContactRecord; followup: FollowupRecord | null } | null> {
    return this.store.followups.withContact(contactId);
  }

  /** From an unsubscribe link; false when nothing was running (already unsubscribed, unknown). */
  unsubscribe(contactId: string): Promise<boolean> {
    return this.store.followups.unsubscribe(contactId);
  }

  /** The visitor has read the thread up to this message: it will not be emailed. */
  seen(contactId: string, messageId: string): Promise<void> {
    return this.store.followups.seenThrough(contactId, messageId);
  }

  /**
   * Makes new replies due and claims those whose time has come for this process. Contacts
   * whose block is in force are skipped by the store in the same transaction.
   */
  async claimDue(now = Date.now(), limit = 20): Promise<ClaimedFollowup[]> {
    await this.store.followups.schedule(new Date(now + this.policy.batchDelayMs).toISOString());
    return this.store.followups.claimDue({
      now: new Date(now).toISOString(),
      leaseUntil: new Date(now + this.policy.leaseMs).toISOString(),
      sentBefore: new Date(now - this.policy.minIntervalMs).toISOString(),
      limit,
      repliesPerEmail: this.policy.repliesPerEmail,
    });
  }

  /**
   * Whether a claimed follow-up may still be emailed now: the contact exists, is not
   * blocked (checked again at send time: a block may have landed after the claim).
   */
  async deliverable(f: ClaimedFollowup): Promise<boolean> {
    const contact = await this.store.contacts.get(f.contactId);
    return !!contact && !contact.blocked && f.replies.length > 0;
  }

  /** The claimed replies were emailed (`sent`) or need not be (seen live, blocked). */
  done(f: ClaimedFollowup, sent: boolean): Promise<void> {
    const through = f.replies.at(-1)?.seq ?? f.emailedSeq;
    return this.store.followups.finish(f.contactId, through, sent ? new Date().toISOString() : null);
  }

  /** Delivery failed: due again later, for any process. */
  retryLater(f: ClaimedFollowup): Promise<void> {
    return this.store.followups.retryAt(f.contactId, new Date(Date.now() + RETRY_MS).toISOString());
  }
}
