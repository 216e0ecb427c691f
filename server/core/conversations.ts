import { activeAdmin } from './agents.js';
import type { AuditActor, AuditLog } from './audit.js';
import { ParleyError } from './errors.js';
import type { CoreEvent, Publish } from './events.js';
import { API_ACTOR, SYSTEM_ACTOR, timelineEvents, type TimelineActor } from './timeline.js';
import type { Subscriptions, WebhookTopic } from './webhooks.js';
import { decodeInboxCursor } from '../store/inbox-query.js';
import type { ConversationPatch, ConversationQuery, ConversationRecord, ConversationSearch, MessageRecord, Store } from '../store/store.js';

// What an update can fire (webhooks/topics.ts says which one it did, from the stored event).
const UPDATE_TOPICS: WebhookTopic[] = [
  'conversation.admin.closed', 'conversation.admin.snoozed', 'conversation.admin.unsnoozed', 'conversation.admin.opened', 'conversation.admin.assigned',
];

/** The furthest a snooze may reach. */
export const MAX_SNOOZE_MS = 366 * 24 * 3600_000;
/** Snoozes woken per transaction (a sweep goes on while batches come back full). */
export const WAKE_BATCH = 100;

const notFound = (id: string) => new ParleyError('conversation_not_found', `No conversation with id ${id}.`);

/**
 * The state a patch leaves: a time to snooze until means snoozed, and only snoozed keeps one.
 * Snoozing needs a future time (Featurebase's rule), so a snooze always ends by itself.
 */
function settleSnooze(patch: ConversationPatch, now: number): ConversationPatch {
  const { state, snoozedUntil } = patch;
  if (snoozedUntil != null && state !== undefined && state !== 'snoozed') {
    throw new ParleyError('invalid_payload', `Invalid request: snoozedUntil goes with state "snoozed", not "${state}".`);
  }
  if (state === 'snoozed' || snoozedUntil != null) {
    if (snoozedUntil == null) throw new ParleyError('invalid_payload', 'Invalid request: snoozedUntil is required when state is "snoozed".');
    const at = Date.parse(snoozedUntil);
    if (at <= now) throw new ParleyError('invalid_payload', 'Invalid request: snoozedUntil must be in the future.');
    if (at - now > MAX_SNOOZE_MS) throw new ParleyError('invalid_payload', 'Invalid request: snoozedUntil must be within a year.');
    return { ...patch, state: 'snoozed' };
  }
  return state !== undefined ? { ...patch, snoozedUntil: null } : patch;
}

export class Conversations {
  constructor(
    private readonly store: Store,
    private readonly publish: Publish,
    private readonly subscriptions: Subscriptions,
    private readonly audit: AuditLog,
  ) {}

  async get(id: string): Promise<ConversationRecord> {
    const conversation = await this.store.conversations.get(id);
    if (!conversation) throw notFound(id);
    return conversation;
  }

  list(query: ConversationQuery) {
    return this.store.conversations.list(query);
  }

  /** Filtered and text search (see ConversationSearch); a cursor we did not issue is refused. */
  search({ cursor, ...query }: Omit<ConversationSearch, 'after'> & { cursor?: string }) {
    const after = cursor ? decodeInboxCursor(cursor) : undefined;
    if (after === null) throw new ParleyError('invalid_payload', 'Invalid request: cursor is not a cursor this server issued.');
    return this.store.conversations.search({ ...query, after });
  }

  /**
   * State, title, assignee or snooze. An assignee must be an active admin (agent); snoozing
   * needs `snoozedUntil` (any process opens the conversation again then: `wakeSnoozed`).
   * Assignment and state changes go to the conversation's timeline in the same transaction.
   */
  async update(id: string, input: ConversationPatch, actor: TimelineActor = API_ACTOR): Promise<ConversationRecord> {
    const patch = settleSnooze(input, Date.now());
    const assignee = patch.adminAssigneeId ? await activeAdmin(this.store, patch.adminAssigneeId) : null;
    const record = await this.subscriptions.wants(UPDATE_TOPICS);
    const event = await this.store.transaction(async (tx) => {
      // The state before, so listeners (webhooks) can tell closed from reopened or assigned.
      const previous = (await tx.conversations.get(id)) ?? undefined;
      const conversation = await tx.conversations.update(id, patch);
      if (!conversation) return null;
      const timeline = [];
      for (const e of timelineEvents(previous, conversation, actor, assignee?.name ?? null)) timeline.push(await tx.timeline.add(e));
      const updated: CoreEvent = { type: 'conversation:updated', conversation, previous, timeline };
      if (record) await tx.webhooks.recordEvent(updated);
      return updated;
    });
    if (!event) throw notFound(id);
    this.publish(event);
    return event.conversation;
  }

  /**
   * Opens every snoozed conversation whose time has come, each exactly once whichever
   * process sweeps (the store's update is the claim), with its webhook event in the same
   * transaction. Returns how many it woke.
   */
  async wakeSnoozed(now = new Date().toISOString()): Promise<number> {
    if (!(await this.store.conversations.anySnoozeDue(now))) return 0;
    const record = await this.subscriptions.wants(['conversation.admin.unsnoozed', 'conversation.admin.opened']);
    const events = await this.store.transaction(async (tx) => {
      const woken = await tx.conversations.wakeSnoozed(now, WAKE_BATCH);
      const updated: CoreEvent[] = [];
      for (const { previous, conversation } of woken) {
        const timeline = [];
        for (const e of timelineEvents(previous, conversation, SYSTEM_ACTOR, null)) timeline.push(await tx.timeline.add(e));
        updated.push({ type: 'conversation:updated', conversation, previous, timeline });
      }
      if (record) for (const event of updated) await tx.webhooks.recordEvent(event);
      return updated;
    });
    for (const event of events) this.publish(event);
    return events.length;
  }

  /** The conversation's assignment and state changes, oldest first. */
  timeline(id: string) {
    return this.store.timeline.list(id);
  }

  async delete(id: string): Promise<void> {
    const record = await this.subscriptions.wants(['conversation.deleted']);
    const event = await this.store.transaction(async (tx) => {
      const conversation = await tx.conversations.get(id);
      if (!conversation || !(await tx.conversations.delete(id))) return null;
      const deleted: CoreEvent = { type: 'conversation:deleted', conversationId: id, contactId: conversation.contactId };
      if (record) await tx.webhooks.recordEvent(deleted);
      return deleted;
    });
    if (!event) throw notFound(id);
    this.publish(event);
  }

  parts(id: string, opts: { includeNotes: boolean }) {
    return this.store.conversations.listMessages(id, opts);
  }

  /**
   * Redacts a message for good: the body is emptied in the store, the change pushed to the
   * visitor's tabs and every console (the text disappears everywhere), `conversation_part.redacted`
   * written with it, and the audit log told who did it. Internal notes are not parts a
   * visitor sees and cannot be redacted (Featurebase: only human messages).
   */
  async redact(conversationId: string, messageId: string, actor: AuditActor): Promise<MessageRecord> {
    const conversation = await this.get(conversationId);
    if (actor.actorType === 'admin' && actor.actorId) await activeAdmin(this.store, actor.actorId);
    const existing = await this.store.conversations.getMessage(conversationId, messageId);
    if (!existing) throw new ParleyError('conversation_part_not_found', `No part ${messageId} in conversation ${conversationId}.`);
    if (existing.messageType === 'note') throw new ParleyError('invalid_payload', 'Invalid request: only messages can be redacted, not internal notes.');
    if (existing.redactedAt) return existing;
    const record = await this.subscriptions.wants(['conversation_part.redacted']);
    const event = await this.store.transaction(async (tx) => {
      const message = await tx.conversations.redactMessage(conversationId, messageId, new Date().toISOString());
      if (!message) return null;
      const redacted: CoreEvent = { type: 'message:redacted', message, conversation };
      if (record) await tx.webhooks.recordEvent(redacted);
      return redacted;
    });
    if (!event) throw new ParleyError('conversation_part_not_found', `No part ${messageId} in conversation ${conversationId}.`);
    this.publish(event);
    // Featurebase's action list has no redaction of its own: removing what a user wrote is `data.user_data_deleted`.
    await this.audit.record({
      action: 'data.user_data_deleted',
      domain: 'data',
      description: `Message ${messageId} of conversation ${conversationId} redacted`,
      actor,
      resource: { type: 'conversation_part', id: messageId, name: null },
      metadata: { conversationId, authorType: existing.authorType, authorId: existing.authorId },
    });
    return event.message;
  }
}
