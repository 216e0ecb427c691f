import type { BlockEventRecord, ContactRecord, ConversationRecord, MessageRecord } from '../store/store.js';

/** What the core announces after a change has been committed. */
export type CoreEvent =
  | { type: 'message:created'; message: MessageRecord; conversation: ConversationRecord; createdConversation: boolean }
  | { type: 'contact:blocked'; contact: ContactRecord; event: BlockEventRecord | null }
  | { type: 'contact:unblocked'; contact: ContactRecord; event: BlockEventRecord | null }
  | { type: 'contact:updated'; contact: ContactRecord }
  | { type: 'contact:deleted'; contactId: string }
  | { type: 'conversation:updated'; conversation: ConversationRecord }
  | { type: 'conversation:deleted'; conversationId: string; contactId: string };

export type Publish = (event: CoreEvent) => void;
