import type { Publish } from './events.js';
import type { Followups } from './followups.js';
import type { ConversationRecord, Store, VisitorReadRecord } from '../store/store.js';

/**
 * Read receipts both ways, written only when someone reads (never per message sent): the
 * visitor sees "Seen" once an agent has read their message, agents see how far the visitor
 * has read. Both are announced live as core events.
 */
export class Receipts {
  constructor(private readonly store: Store, private readonly publish: Publish, private readonly followups: Followups) {}

  /** An agent opened or read the conversation: its marker moves to the latest message. */
  async agentRead(agentId: string, conversation: ConversationRecord): Promise<void> {
    await this.store.conversations.markRead(agentId, conversation.id);
    const messageId = await this.store.receipts.latestMessageId(conversation.id);
    if (messageId) this.publish({ type: 'conversation:agent_read', conversationId: conversation.id, contactId: conversation.contactId, messageId });
  }

  /** The visitor has read up to `messageId` (one of their conversations' messages): it is not emailed either. */
  async visitorRead(contactId: string, messageId: string): Promise<void> {
    const read = await this.store.receipts.markVisitorRead(contactId, messageId);
    if (!read) return;
    await this.followups.seen(contactId, messageId);
    this.publish({ type: 'conversation:visitor_read', contactId, read });
  }

  /** The contact's newest message some agent has read, for the widget's "Seen". */
  agentsReadUpTo(contactId: string): Promise<string | null> {
    return this.store.receipts.agentsReadUpTo(contactId);
  }

  /** How far the visitor has read a conversation, for the console. */
  visitorPosition(conversationId: string): Promise<VisitorReadRecord | null> {
    return this.store.receipts.visitorRead(conversationId);
  }
}
