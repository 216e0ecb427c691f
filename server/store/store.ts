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
  /** The effective block state: false once `blockedUntil` has passed. */
  blocked: boolean;
  blockedAt: string | null;
  /** When a temporary block ends; null for a permanent block (or no block). */
  blockedUntil: string | null;
  lastActivity: string | null;
  createdAt: string;
  /** Visitor tokens carry it; promotion, merge and deletion bump it, which kills them. */
  tokenEpoch: number;
  /** Set on a lead merged into a customer (lead-to-customer rollup); such a lead leaves every list. */
  mergedInto: string | null;
  /** False for an email a visitor typed into the messenger: never matched by an upsert. */
  emailVerified: boolean;
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
  /** Default true; false for an email typed by a visitor. */
  emailVerified?: boolean;
}

export type ContactPatch = Partial<Omit<ContactInput, 'type'>> & { type?: ContactType; lastActivity?: string; tokenEpoch?: number };

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
  | { status: 'stored'; message: MessageRecord; conversation: ConversationRecord; createdConversation: boolean; contact?: ContactRecord }
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
  /**
   * Block expiry (ISO). On a new block, absent means permanent. On a contact already
   * blocked, a given value (null included) replaces the expiry without a new block event.
   */
  blockedUntil?: string | null;
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
  /** Session tokens carry it; signing out bumps it, which revokes them all. */
  sessionEpoch: number;
  /** Set when an admin deactivated the account: it cannot sign in and its sessions are dead. */
  deactivatedAt: string | null;
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

/** Where a contact last connected from (recorded at messenger connect). */
export interface ContactSeen {
  ip: string | null;
  deviceId: string | null;
}

/** A wider block: new leads from this IP address or device are created blocked until `expiresAt`. */
export interface BlockRuleRecord {
  id: string;
  kind: 'ip' | 'device';
  value: string;
  /** The blocked contact this rule came from; unblocking it lifts the rule. */
  sourceContactId: string;
  /** Null: as long as the source contact stays blocked. */
  expiresAt: string | null;
  createdAt: string;
}

export type BlockRuleInput = Omit<BlockRuleRecord, 'id' | 'createdAt'>;

export interface WebhookHealth {
  lastResponseTime: number;
  avgResponseTime: number;
  lastSuccessAt: string | null;
  errorsSinceLastSuccess: number;
  consecutiveFailures: number;
}

export interface WebhookLastStatus {
  code: number;
  message: string;
  timestamp: string;
}

export interface WebhookRecord {
  id: string;
  name: string;
  url: string;
  description: string | null;
  topics: string[];
  status: 'active' | 'paused' | 'suspended';
  /** `whsec_…`: signs every delivery (HMAC-SHA256). */
  secret: string;
  headers: Record<string, string>;
  timeoutMs: number;
  lastStatus: WebhookLastStatus | null;
  health: WebhookHealth;
  createdAt: string;
  updatedAt: string;
}

export type WebhookInput = Pick<WebhookRecord, 'name' | 'url' | 'description' | 'topics' | 'secret' | 'headers' | 'timeoutMs'>;
export type WebhookPatch = Partial<Pick<WebhookRecord, 'name' | 'url' | 'description' | 'topics' | 'status' | 'secret' | 'headers' | 'timeoutMs' | 'lastStatus' | 'health'>>;

export interface WebhookQuery {
  limit: number;
  cursor?: string | null;
  status?: WebhookRecord['status'];
}

/** One event to one webhook; persisted so a restart does not lose pending deliveries. */
export interface DeliveryRecord {
  id: string;
  webhookId: string;
  topic: string;
  /** The exact JSON body that is signed and sent. */
  payload: string;
  status: 'pending' | 'delivered' | 'failed';
  /** Attempts started so far (a claim counts as one). */
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
}

export type DeliveryInput = Pick<DeliveryRecord, 'webhookId' | 'topic' | 'payload'>;

export interface DeliveryOutcome {
  status: DeliveryRecord['status'];
  /** For a retry (status pending): when to try again. */
  nextAttemptAt?: string;
  lastError?: string | null;
}

export interface AuditLogRecord {
  id: string;
  action: string;
  domain: string;
  description: string;
  actor: { type: 'admin' | 'system' | 'api_key'; id: string | null; email: string | null; name: string | null };
  resource: { type: string; id: string | null; name: string | null };
  request: { ipAddress: string | null; userAgent: string | null };
  metadata: Record<string, unknown>;
  createdAt: string;
}

export type AuditLogInput = Omit<AuditLogRecord, 'id' | 'createdAt'>;

/** Newest first; dates are inclusive ISO bounds. */
export interface AuditLogQuery {
  limit: number;
  cursor?: string | null;
  action?: string;
  domain?: string;
  startDate?: string;
  endDate?: string;
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
  /** Revokes every console session of the agent (sign-out). */
  bumpSessionEpoch(agentId: string): Promise<void>;
  /**
   * Deactivates the agent and revokes its sessions (epoch bump) in one step, unless it is the
   * last active admin (`last_admin`; atomic, so two admins cannot deactivate each other).
   * Null for an unknown id.
   */
  deactivateAgent(agentId: string, at: string): Promise<{ status: 'deactivated' | 'unchanged' | 'last_admin'; agent: AgentRecord } | null>;
  /** Clears `deactivatedAt` (sessions revoked at deactivation stay dead). Null for an unknown id. */
  reactivateAgent(agentId: string): Promise<{ changed: boolean; agent: AgentRecord } | null>;
  /** Sets a new password hash and revokes every session (epoch bump). Null for an unknown id. */
  setAgentPassword(agentId: string, passwordHash: string): Promise<AgentRecord | null>;
  /** Inbox page sorted by last activity desc (ties: newest conversation first). */
  listInbox(query: InboxQuery): Promise<Page<InboxRow>>;
  /** Moves the agent's read marker to the conversation's latest message. */
  markConversationRead(agentId: string, conversationId: string): Promise<void>;

  /**
   * Lead-to-customer rollup, in one transaction: the lead's conversations and messages move
   * to the customer, the lead is marked merged (it leaves lists) and its token epoch bumped.
   * Null when either contact is missing or the lead was merged already.
   */
  mergeContact(leadId: string, customerId: string): Promise<{ lead: ContactRecord; customer: ContactRecord } | null>;
  /** A contact other than `excludeId` seen with this device whose block is in force at `now`. */
  findBlockedContactByDevice(deviceId: string, now: string, excludeId?: string): Promise<ContactRecord | null>;
  /** Other contacts (not merged) that used one of this contact's devices, most recent first. */
  listDeviceSharers(contactId: string, limit: number): Promise<ContactRecord[]>;

  /** Wider blocks: where a contact last connected from (and every device it used), and IP/device rules. */
  recordContactSeen(contactId: string, seen: Partial<ContactSeen>): Promise<void>;
  getContactSeen(contactId: string): Promise<ContactSeen | null>;
  addBlockRules(rules: BlockRuleInput[]): Promise<BlockRuleRecord[]>;
  /** A rule matching this IP or device that has not expired at `now`, or null. */
  findActiveBlockRule(match: Partial<ContactSeen>, now: string): Promise<BlockRuleRecord | null>;
  listBlockRules(sourceContactId: string): Promise<BlockRuleRecord[]>;
  /** Lifts every rule of that contact; returns how many. */
  removeBlockRules(sourceContactId: string): Promise<number>;

  /** Webhooks and their persisted deliveries. */
  createWebhook(input: WebhookInput): Promise<WebhookRecord>;
  getWebhook(id: string): Promise<WebhookRecord | null>;
  /** Newest first. */
  listWebhooks(query: WebhookQuery): Promise<Page<WebhookRecord>>;
  countWebhooks(): Promise<number>;
  updateWebhook(id: string, patch: WebhookPatch): Promise<WebhookRecord | null>;
  deleteWebhook(id: string): Promise<boolean>;
  enqueueDeliveries(inputs: DeliveryInput[]): Promise<DeliveryRecord[]>;
  /**
   * Atomically claims up to `limit` pending deliveries due at `now`: counts an attempt and
   * moves `nextAttemptAt` to `leaseUntil`, so no other process claims them meanwhile and a
   * delivery whose process died is claimed again after the lease.
   */
  claimDueDeliveries(now: string, leaseUntil: string, limit: number): Promise<DeliveryRecord[]>;
  completeDelivery(id: string, outcome: DeliveryOutcome): Promise<void>;
  /** Newest first. */
  listDeliveries(webhookId: string, limit: number): Promise<DeliveryRecord[]>;

  /** The audit log. */
  addAuditLog(input: AuditLogInput): Promise<AuditLogRecord>;
  listAuditLogs(query: AuditLogQuery): Promise<Page<AuditLogRecord>>;
}
