import { ParleyError } from './errors.js';
import type { CoreEvent, Publish } from './events.js';
import type { Subscriptions, WebhookTopic } from './webhooks.js';
import type { ConversationPatch, ConversationQuery, ConversationRecord, Store } from '../store/store.js';

// What an update can fire (webhooks/topics.ts says which one it did, from the stored event).
const UPDATE_TOPICS: WebhookTopic[] = [
  'conversation.admin.closed', 'conversation.admin.snoozed', 'conversation.admin.unsnoozed', 'conversation.admin.opened', 'conversation.admin.assigned',
];

export class Conversations {
  constructor(private readonly store: Store, private readonly publish: Publish, private readonly subscriptions: Subscriptions) {}

  async get(id: string): Promise<ConversationRecord> {
    const conversation = await this.store.conversations.get(id);
    if (!conversation) throw new ParleyError('conversation_not_found', `No conversation with id ${id}.`);
    return conversation;
  }

  list(query: ConversationQuery) {
    return this.store.conversations.list(query);
  }

  async update(id: string, patch: ConversationPatch): Promise<ConversationRecord> {
    const record = await this.subscriptions.wants(UPDATE_TOPICS);
    const event = await this.store.transaction(async (tx) => {
      // The state before, so listeners (webhooks) can tell closed from reopened or assigned.
      const previous = (await tx.conversations.get(id)) ?? undefined;
      const conversation = await tx.conversations.update(id, patch);
      if (!conversation) return null;
      const updated: CoreEvent = { type: 'conversation:updated', conversation, previous };
      if (record) await tx.webhooks.recordEvent(updated);
      return updated;
    });
    if (!event) throw new ParleyError('conversation_not_found', `No conversation with id ${id}.`);
    this.publish(event);
    return event.conversation;
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
    if (!event) throw new ParleyError('conversation_not_found', `No conversation with id ${id}.`);
    this.publish(event);
  }

  parts(id: string, opts: { includeNotes: boolean }) {
    return this.store.conversations.listMessages(id, opts);
  }
}
