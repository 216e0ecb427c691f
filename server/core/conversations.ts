import { ParleyError } from './errors.js';
import type { Publish } from './events.js';
import type { ConversationPatch, ConversationQuery, ConversationRecord, Store } from '../store/store.js';

export class Conversations {
  constructor(private readonly store: Store, private readonly publish: Publish) {}

  async get(id: string): Promise<ConversationRecord> {
    const conversation = await this.store.conversations.get(id);
    if (!conversation) throw new ParleyError('conversation_not_found', `No conversation with id ${id}.`);
    return conversation;
  }

  list(query: ConversationQuery) {
    return this.store.conversations.list(query);
  }

  async update(id: string, patch: ConversationPatch): Promise<ConversationRecord> {
    // The state before, so listeners (webhooks) can tell closed from reopened or assigned.
    const previous = (await this.store.conversations.get(id)) ?? undefined;
    const conversation = await this.store.conversations.update(id, patch);
    if (!conversation) throw new ParleyError('conversation_not_found', `No conversation with id ${id}.`);
    this.publish({ type: 'conversation:updated', conversation, previous });
    return conversation;
  }

  async delete(id: string): Promise<void> {
    const conversation = await this.get(id);
    await this.store.conversations.delete(id);
    this.publish({ type: 'conversation:deleted', conversationId: id, contactId: conversation.contactId });
  }

  parts(id: string, opts: { includeNotes: boolean }) {
    return this.store.conversations.listMessages(id, opts);
  }
}
