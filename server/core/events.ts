import type { AuditLogRecord, BlockEventRecord, BlockRuleRecord, ContactRecord, ConversationEventRecord, ConversationRecord, HeldMessageRecord, MessageRecord, VisitorReadRecord } from '../store/store.js';

export type BlockScope = 'contact' | 'device_and_ip';

/** What a block covered, for pushes, webhooks and the audit log. */
export interface BlockDetails {
  scope: BlockScope;
  blockedUntil: string | null;
  /** IP and device rules this block added (scope device_and_ip). */
  rules: BlockRuleRecord[];
  /** Set when a new lead was created blocked because it matched this rule. */
  matchedRule?: BlockRuleRecord;
  /** Set when the block was carried over from another blocked contact, and how they are linked. */
  carriedFrom?: CarriedFrom;
  /** Set when an automatic protection rule blocked the contact. */
  firedRule?: { id: string; name: string };
}

/**
 * How a block followed a person to another contact: the connection carried the blocked
 * contact's visitor token or device id, or a blocked lead was merged into a customer.
 */
export interface CarriedFrom {
  contactId: string;
  via: 'visitor_token' | 'device' | 'merge';
}

/** What the core announces after a change has been committed. */
export type CoreEvent =
  | {
      type: 'message:created'; message: MessageRecord; conversation: ConversationRecord; createdConversation: boolean;
      /** The conversation's contact when the store had it at hand (saves a lookup per message). */
      contact?: ContactRecord;
      /** Opaque tag of who sent it (a socket id), so a push can skip the sender. */
      origin?: string;
    }
  /** A protection rule held a visitor's message (it reaches no agent until released). */
  | { type: 'message:held'; held: HeldMessageRecord; rule: { id: string; name: string }; origin?: string }
  /** A held message left the Held list: released (then stored as a message) or discarded. */
  | { type: 'message:held_removed'; held: HeldMessageRecord; released: boolean }
  | { type: 'contact:blocked'; contact: ContactRecord; event: BlockEventRecord | null; details?: BlockDetails }
  | { type: 'contact:unblocked'; contact: ContactRecord; event: BlockEventRecord | null }
  | { type: 'contact:updated'; contact: ContactRecord }
  | { type: 'contact:deleted'; contactId: string }
  /** A lead rolled up into a customer: its conversations now belong to the customer. */
  | { type: 'contact:merged'; lead: ContactRecord; customer: ContactRecord }
  | { type: 'conversation:updated'; conversation: ConversationRecord; previous?: ConversationRecord; timeline?: ConversationEventRecord[] }
  | { type: 'conversation:deleted'; conversationId: string; contactId: string }
  /** A message's body was removed for good (its record now has an empty body and `redactedAt`). */
  | { type: 'message:redacted'; message: MessageRecord; conversation: ConversationRecord }
  /** An audit entry was written (only when a webhook subscribes to `audit_log.created`). */
  | { type: 'audit_log:created'; entry: AuditLogRecord }
  /** An agent opened or read a conversation: up to `messageId`, the visitor's messages are seen. */
  | { type: 'conversation:agent_read'; conversationId: string; contactId: string; messageId: string }
  /** The visitor's read marker moved (receipts in the console). */
  | { type: 'conversation:visitor_read'; contactId: string; read: VisitorReadRecord };

export type Publish = (event: CoreEvent) => void;
