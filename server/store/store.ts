import type { AuthorType, ContactType, ConversationState, MessageType } from '../../protocol/types.js';
import type { CoreEvent } from '../core/events.js';
import type { AgentsRepository } from './repositories/agents.js';
import type { AuditRepository } from './repositories/audit.js';
import type { ContactsRepository } from './repositories/contacts.js';
import type { ConversationsRepository } from './repositories/conversations.js';
import type { WebhooksRepository } from './repositories/webhooks.js';

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
  /** Write the `message:created` event to the webhook outbox in the append's transaction (some webhook wants it). */
  recordEvent?: boolean;
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

/** An outbox event claimed for dispatch (see WebhooksRepository.claimEvents). */
export interface OutboxRecord {
  id: string;
  event: CoreEvent;
  createdAt: string;
}

/** The repositories, bound to the store's pool or to one transaction. */
export interface Repositories {
  readonly contacts: ContactsRepository;
  /** Conversations with their messages, the inbox and read markers. */
  readonly conversations: ConversationsRepository;
  readonly agents: AgentsRepository;
  readonly webhooks: WebhooksRepository;
  readonly audit: AuditRepository;
}

/**
 * Storage behind the core: repositories written once on Kysely over SQLite or PostgreSQL.
 * Every backend passes the contract suites in test/store/contracts unchanged.
 */
export interface Store extends Repositories {
  readonly kind: 'sqlite' | 'postgres';
  migrate(): Promise<void>;
  /** Migrations not applied yet (0 once migrated); a query, so it fails while the database is unreachable. */
  pendingMigrations(): Promise<number>;
  close(): Promise<void>;
  /**
   * Runs `fn` with repositories that share one write transaction (committed when it
   * resolves, rolled back when it throws): a change and the outbox event it fires are
   * stored together or not at all. Message appends have their own transaction; don't
   * append inside this one.
   */
  transaction<T>(fn: (tx: Repositories) => Promise<T>): Promise<T>;
}
