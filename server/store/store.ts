import type { AuthorType, ContactType, ConversationState, MessageType } from '../../protocol/types.js';

/** Rows as the core sees them; timestamps are ISO strings, ids strings. */
export interface ContactRecord {
  id: string;
  type: ContactType;
  userId: string | null;
  email: string | null;
  name: string | null;
  profilePicture: string | null;
  customFields: Record<string, unknown>;
  companies: unknown[];
  locale: string | null;
  blocked: boolean;
  blockedAt: string | null;
  lastActivity: string | null;
  createdAt: string;
}

export interface ConversationRecord {
  id: string;
  contactId: string;
  state: ConversationState;
  title: string | null;
  adminAssigneeId: string | null;
  createdAt: string;
  updatedAt: string;
  lastActivityAt: string;
}

export interface MessageRecord {
  id: string;
  conversationId: string;
  clientId: string | null;
  authorType: AuthorType;
  authorId: string;
  authorName: string | null;
  body: string;
  messageType: MessageType;
  createdAt: string;
}

export interface BlockEventRecord {
  id: string;
  contactId: string;
  action: 'block' | 'unblock';
  actorType: 'api' | 'admin' | 'system';
  actorId: string | null;
  reason: string | null;
  createdAt: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface ContactInput {
  type: ContactType;
  userId?: string | null;
  email?: string | null;
  name?: string | null;
  profilePicture?: string | null;
  customFields?: Record<string, unknown>;
  companies?: unknown[];
  locale?: string | null;
}

export type ContactPatch = Partial<Omit<ContactInput, 'type'>> & { type?: ContactType; lastActivity?: string };

export interface ContactQuery {
  type: ContactType | 'all';
  limit: number;
  cursor?: string | null;
}

export interface ConversationQuery {
  limit: number;
  cursor?: string | null;
  contactId?: string;
}

export interface ConversationPatch {
  state?: ConversationState;
  title?: string | null;
  adminAssigneeId?: string | null;
}

/**
 * A message to append. `conversationId` absent means: the contact's latest open
 * conversation, or a new one when `newConversation` is set or none is open.
 */
export interface AppendMessageInput {
  conversationId?: string;
  /** Always start a new conversation (REST create). */
  newConversation?: boolean;
  /** Owner of a conversation this call creates (needed for admin outreach). */
  contactId?: string;
  clientId?: string | null;
  authorType: AuthorType;
  authorId: string;
  authorName?: string | null;
  body: string;
  messageType: MessageType;
  createdAt?: string;
}

/**
 * Result of appending: the store enforces the block atomically with the insert
 * (same transaction that reads the author's block state).
 */
export type AppendResult =
  | { status: 'stored'; message: MessageRecord; conversation: ConversationRecord; createdConversation: boolean }
  | { status: 'duplicate'; message: MessageRecord; conversation: ConversationRecord }
  | { status: 'blocked' }
  | { status: 'contact_not_found' }
  | { status: 'conversation_not_found' };

export interface SetBlockedInput {
  contactId: string;
  blocked: boolean;
  actorType: BlockEventRecord['actorType'];
  actorId?: string | null;
  reason?: string | null;
}

export interface SetBlockedResult {
  contact: ContactRecord;
  /** False when the contact already was in that state (idempotent call). */
  changed: boolean;
}

export interface AgentRecord {
  id: string;
  /** Lowercased; unique. */
  email: string;
  name: string;
  role: 'admin' | 'agent';
  /** `scrypt$…` string (server/core/passwords.ts); never leaves the server. */
  passwordHash: string;
  createdAt: string;
}

export interface AgentInput {
  email: string;
  name: string;
  role: AgentRecord['role'];
  passwordHash: string;
}

/** The console inbox: conversations by last activity, newest first. */
export interface InboxQuery {
  state?: 'open' | 'closed';
  blocked?: boolean;
  /** Case-insensitive substring of the contact's name or email. */
  search?: string;
  /** Unread counts are this agent's (contact messages after its read marker). */
  agentId?: string;
  limit: number;
  cursor?: string | null;
}

export interface InboxRow {
  conversation: ConversationRecord;
  contact: ContactRecord;
  /** Latest message, notes included; null for an empty conversation. */
  lastMessage: MessageRecord | null;
  unread: number;
}

/**
 * Storage behind the core. Every backend passes `runStoreContract` in
 * test/store/store-contract.ts unchanged.
 */
export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  migrate(): Promise<void>;
  close(): Promise<void>;

  createContact(input: ContactInput): Promise<ContactRecord>;
  getContact(id: string): Promise<ContactRecord | null>;
  findContactByUserId(userId: string): Promise<ContactRecord | null>;
  findContactByEmail(email: string): Promise<ContactRecord | null>;
  updateContact(id: string, patch: ContactPatch): Promise<ContactRecord | null>;
  /** Deletes the contact with its conversations and messages. */
  deleteContact(id: string): Promise<boolean>;
  listContacts(query: ContactQuery): Promise<Page<ContactRecord>>;

  /** Sets the block state and records a block event in one transaction, if it changed. */
  setBlocked(input: SetBlockedInput): Promise<SetBlockedResult | null>;
  listBlockEvents(contactId: string): Promise<BlockEventRecord[]>;

  getConversation(id: string): Promise<ConversationRecord | null>;
  listConversations(query: ConversationQuery): Promise<Page<ConversationRecord>>;
  updateConversation(id: string, patch: ConversationPatch): Promise<ConversationRecord | null>;
  deleteConversation(id: string): Promise<boolean>;

  appendMessage(input: AppendMessageInput): Promise<AppendResult>;
  /** Messages of one conversation, oldest first. */
  listMessages(conversationId: string, opts?: { includeNotes?: boolean }): Promise<MessageRecord[]>;
  /**
   * A contact's messages across conversations, oldest first, notes excluded; `since` is a
   * message id: only later messages. Without `since`, the latest `limit` messages.
   */
  listContactMessages(contactId: string, opts: { since?: string | null; limit: number }): Promise<{ messages: MessageRecord[]; hasMore: boolean }>;

  /** Console accounts. `createAgent` rejects a duplicate email (unique). */
  createAgent(input: AgentInput): Promise<AgentRecord>;
  getAgent(id: string): Promise<AgentRecord | null>;
  findAgentByEmail(email: string): Promise<AgentRecord | null>;
  listAgents(): Promise<AgentRecord[]>;
  countAgents(): Promise<number>;
  /** Inbox page sorted by last activity desc (ties: newest conversation first). */
  listInbox(query: InboxQuery): Promise<Page<InboxRow>>;
  /** Moves the agent's read marker to the conversation's latest message. */
  markConversationRead(agentId: string, conversationId: string): Promise<void>;
}
