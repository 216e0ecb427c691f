import type { AuthorType, ContactType, ConversationState, MessageType } from '../../protocol/types.js';
import type { ProtectionActionInput, ProtectionConditionInput, ProtectionModeName } from '../../protocol/schemas/protection.js';
import type { CoreEvent } from '../core/events.js';
import type { BlockChange, BlockPlan } from './block-sql.js';
import type { AgentsRepository } from './repositories/agents.js';
import type { AuditRepository } from './repositories/audit.js';
import type { CompaniesRepository } from './repositories/companies.js';
import type { ContactsRepository } from './repositories/contacts.js';
import type { ConversationsRepository } from './repositories/conversations.js';
import type { TagsRepository } from './repositories/tags.js';
import type { SavedRepliesRepository } from './repositories/saved-replies.js';
import type { TimelineRepository } from './repositories/timeline.js';
import type { FollowupsRepository } from './repositories/followups.js';
import type { ReceiptsRepository } from './repositories/receipts.js';
import type { SettingsRepository } from './repositories/settings.js';
import type { InvitesRepository } from './repositories/invites.js';
import type { ProtectionRepository } from './repositories/protection.js';
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
  locale: string | null;
  /** The effective block state: false once `blockedUntil` has passed. */
  blocked: boolean;
  /** When the block in force began; null when none is in force. */
  blockedAt: string | null;
  /** When the temporary block in force ends; null for a permanent block or none in force (never a past date). */
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
  /** While `state` is `snoozed`: when it opens again by itself (null: snoozed until someone opens it). */
  snoozedUntil: string | null;
}

/** A workspace conversation tag. */
export interface TagRecord {
  id: string;
  name: string;
  createdAt: string;
}

/** A tag on one conversation: when and by which admin it was attached. */
export interface AppliedTagRecord extends TagRecord {
  appliedAt: string;
  appliedBy: string | null;
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
  /** When the part was redacted (its body is then empty). */
  redactedAt: string | null;
}

export interface BlockEventRecord {
  id: string;
  contactId: string;
  action: 'block' | 'unblock';
  /** `rule`: an automatic protection rule (actorId is the rule's id). */
  actorType: 'api' | 'admin' | 'system' | 'rule';
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
  locale?: string | null;
  /** Default true; false for an email typed by a visitor. */
  emailVerified?: boolean;
  /** When the business says the contact was created; default now. */
  createdAt?: string;
}

export type ContactPatch = Partial<Omit<ContactInput, 'type'>> & { type?: ContactType; lastActivity?: string; tokenEpoch?: number };

/** A company contacts belong to; `companyId` is the business's own id for it. */
export interface CompanyRecord {
  id: string;
  companyId: string;
  name: string;
  companySize: number | null;
  industry: string | null;
  website: string | null;
  plan: string | null;
  monthlySpend: number | null;
  customFields: Record<string, unknown>;
  createdAt: string | null;
  updatedAt: string;
  /** How many contacts belong to it. */
  linkedUsers: number;
  /** The latest activity of a contact that belongs to it. */
  lastActivity: string | null;
}

/** A company as the business describes it; absent fields keep their stored value. */
export interface CompanyInput {
  companyId: string;
  name: string;
  companySize?: number | null;
  industry?: string;
  website?: string;
  plan?: string;
  monthlySpend?: number;
  customFields?: Record<string, unknown>;
  createdAt?: string | null;
}

/** One clause of a contact search, in store terms (the core checks and translates the API's). */
export type ContactFilter =
  | { kind: 'in'; field: 'userId' | 'email' | 'name' | 'type'; values: string[]; negate: boolean }
  | { kind: 'contains'; field: 'name'; value: string }
  | { kind: 'company'; companyIds: string[]; negate: boolean }
  /** `from` inclusive, `until` exclusive, either may be absent; `negate`: outside that range. */
  | { kind: 'time'; field: 'lastActivity' | 'createdAt'; from?: string; until?: string; negate: boolean }
  | { kind: 'blocked'; value: boolean; now: string };

export type ContactSortField = 'lastActivity' | 'createdAt' | 'seq';

/** Every filter must match (AND); merged leads never do. */
export interface ContactSearch {
  filters: ContactFilter[];
  sort: { field: ContactSortField; direction: 'asc' | 'desc' };
  limit: number;
  /** Where the previous page ended (decoded by the core). */
  after?: { value: string | null; seq: string } | null;
}

/** A search page: `last` is where it ended, for the next cursor (null: no more). */
export interface ContactSearchPage {
  items: ContactRecord[];
  last: { value: string | null; seq: string } | null;
  /** Matching contacts, counted up to `countCap`. */
  total: number;
}

export interface ContactQuery {
  type: ContactType | 'all';
  /** Case-insensitive substring of the name, email or userId. */
  search?: string;
  limit: number;
  cursor?: string | null;
}

export interface ConversationQuery {
  limit: number;
  cursor?: string | null;
  contactId?: string;
}

/** One condition of a conversation search; a search ANDs them. */
export type ConversationClause =
  | { column: 'state' | 'admin_assignee_id' | 'contact_id'; op: 'in' | 'not in'; values: (string | null)[] }
  /** Conversations carrying any of these tags (`in`), or none of them (`not in`). */
  | { column: 'tag'; op: 'in' | 'not in'; values: string[] }
  /** `=`: created within that second. */
  | { column: 'created_at'; op: '=' | '>' | '<'; value: string }
  /** A field Parley holds one value of (priority false, no teams or brands): all or nothing. */
  | { column: 'constant'; matches: boolean };

export interface ConversationSearch {
  clauses: ConversationClause[];
  /** Words to find in a message body (case-insensitive; redacted parts hold none). */
  text?: string;
  /** By last activity, then id. */
  order: 'asc' | 'desc';
  limit: number;
  /** From the previous page's `nextCursor`; null when it is not one of ours. */
  after?: { at: string; id: number } | null;
}

export interface ConversationPatch {
  state?: ConversationState;
  title?: string | null;
  adminAssigneeId?: string | null;
  /** Set with state `snoozed`; any other state clears it. */
  snoozedUntil?: string | null;
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
  /** Protection rules to run in the append's transaction (contacts' messages only); absent: none enabled. */
  protection?: ProtectionCheck;
}

/**
 * Result of appending: the store enforces the block atomically with the insert
 * (same transaction that reads the author's block state).
 */
export type AppendResult =
  | { status: 'stored'; message: MessageRecord; conversation: ConversationRecord; createdConversation: boolean; contact?: ContactRecord }
  | { status: 'duplicate'; message: MessageRecord; conversation: ConversationRecord }
  | { status: 'blocked' }
  /** A rule held the message (or this clientId was held before: `duplicate`). */
  | { status: 'held'; held: HeldMessageRecord; duplicate: boolean }
  /** A rule blocked the author in this transaction; the message was not stored. */
  | { status: 'blocked_by_rule'; contact: ContactRecord; event: BlockEventRecord; firing: ProtectionFiring }
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
  /** Unblock only a block whose expiry passed by then (the end of a temporary block). */
  expiredBy?: string;
  /** A merged lead's block (or unblock) lands on the customer it became. */
  followMerges?: boolean;
}

export interface SetBlockedResult {
  contact: ContactRecord;
  /** False when the contact already was in that state (idempotent call). */
  changed: boolean;
  /** A blocked contact's expiry alone changed (no new block event). */
  expiryChanged?: boolean;
  /** The block event written, when the state changed (the contact's latest). */
  event?: BlockEventRecord;
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
  /** 0–7 chosen by the agent, or null (a colour derived from the id). */
  avatarColor: number | null;
  /** Opaque key of their picture (its public address; new on each upload); null: no picture. */
  avatarKey: string | null;
}

/** A reply in the team's library. */
export interface SavedReplyRecord {
  id: string;
  title: string;
  body: string;
  /** The agent who wrote it (they and admins may change it); null once unknown. */
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Kinds of conversation timeline events (messages and block events are their own records). */
export type ConversationEventKind = 'assigned' | 'unassigned' | 'closed' | 'reopened' | 'snoozed';

/** One assignment or state change, with who did it (names kept as they were then). */
export interface ConversationEventRecord {
  id: string;
  conversationId: string;
  kind: ConversationEventKind;
  actor: { type: 'admin' | 'api' | 'system'; id: string | null; name: string | null };
  assignee: { id: string; name: string | null } | null;
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
  /** Only conversations assigned to this agent id, or (null) to nobody. */
  assigneeId?: string | null;
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

export type ProtectionMode = ProtectionModeName;

/** An automatic protection rule: conditions and an action as data (protocol/schemas/protection.ts). */
export interface ProtectionRuleRecord {
  id: string;
  name: string;
  description: string | null;
  mode: ProtectionMode;
  conditions: ProtectionConditionInput[];
  action: ProtectionActionInput;
  /** Set on the recommended rules (one key each), so switching them on again finds them. */
  preset: string | null;
  createdAt: string;
  updatedAt: string;
}

export type ProtectionRuleInput = Pick<ProtectionRuleRecord, 'name' | 'description' | 'mode' | 'conditions' | 'action' | 'preset'>;
export type ProtectionRulePatch = Partial<Omit<ProtectionRuleInput, 'preset'>>;

/** A visitor's message a rule held: kept apart from the messages until released or discarded. */
export interface HeldMessageRecord {
  id: string;
  contactId: string;
  /** The conversation the visitor wrote in, when it named one. */
  conversationId: string | null;
  clientId: string | null;
  authorType: AuthorType;
  authorId: string;
  authorName: string | null;
  body: string;
  ruleId: string;
  ruleName: string;
  createdAt: string;
}

/** What a rule did (`enforce`) or would have done (`dry_run`), for review and dry-run reports. */
export interface ProtectionEventRecord {
  id: string;
  ruleId: string;
  ruleName: string;
  mode: 'dry_run' | 'enforce';
  action: ProtectionActionInput['type'];
  trigger: 'message' | 'rate_limit';
  contactId: string;
  /** The start of the message that fired it, if any. */
  excerpt: string | null;
  createdAt: string;
}

export interface ProtectionEventQuery {
  limit: number;
  cursor?: string | null;
  ruleId?: string;
  mode?: ProtectionEventRecord['mode'];
}

export interface HeldMessageQuery {
  limit: number;
  cursor?: string | null;
  contactId?: string;
}

/** What the rules need read before they can decide, with how far back (0: not needed). */
export interface FactNeeds {
  /** The contact's recent messages, stored and held (links since an agent's reply). */
  history: boolean;
  /** Earlier copies of this very text sent in a row (stored or held) within this time… */
  sameTextSeconds: number;
  /** …at most this many of them (the largest count a rule waits for, less this message). */
  sameTextKeep: number;
  rateHitsSeconds: number;
  leadsByIpSeconds: number;
  leadsByDeviceSeconds: number;
  /** Block history (earlier blocks, messages right after an unblock). */
  blocks: boolean;
}

export interface RecentMessage {
  body: string;
  authorType: AuthorType;
  messageType: MessageType;
  createdAt: string;
  held: boolean;
}

/** What every evaluation knows without reading anything. */
export interface ProtectionBasics {
  now: string;
  /** `now` in milliseconds (windows are compared as numbers where no string is needed). */
  nowMs: number;
  trigger: ProtectionEventRecord['trigger'];
  /** The message being sent (trigger message), else null. */
  body: string | null;
  contact: Pick<ContactRecord, 'id' | 'type' | 'createdAt'>;
}

/** What the store read for the rules, in the transaction that acts on their verdict. */
export interface ProtectionFacts extends ProtectionBasics {
  /** Newest first, at most 100 (read when `history` is needed). */
  recent: RecentMessage[];
  /** When the contact sent this same text just before (in a row, stored or held), newest first. */
  sameTextAt: string[];
  rateHitsAt: string[];
  leadsByIpAt: string[];
  leadsByDeviceAt: string[];
  /** How often the contact was blocked, and when it was last unblocked. */
  blockCount: number;
  lastUnblockAt: string | null;
}

/** A rule that matched. */
export interface ProtectionFiring {
  ruleId: string;
  ruleName: string;
  mode: 'dry_run' | 'enforce';
  action: ProtectionActionInput;
}

export interface ProtectionVerdict {
  /** The enforced rule whose action is taken (the strongest), or null. */
  act: ProtectionFiring | null;
  /** Every rule that matched, dry run included (each is logged). */
  matched: ProtectionFiring[];
}

/**
 * The compiled rules, handed to the store by the core (one per evaluation): inside its
 * transaction the store asks for the `plan`, reads the facts it needs, asks it to `decide`
 * and carries out the verdict there.
 */
export interface ProtectionCheck {
  /**
   * Runs the conditions that need nothing read (patterns, words, length, contact type…):
   * null when no rule can match any more, so nothing is read or written; else the plan of
   * the rules left. Plans are shared by every evaluation that leaves the same rules.
   */
  plan(basics: ProtectionBasics): ProtectionPlan | null;
  /** The most any plan of these rules may need: what a store can read ahead, with the contact. */
  most: FactNeeds;
  /** Write `message:held` / `contact:blocked` to the webhook outbox (some webhook wants it). */
  recordHeld: boolean;
  recordBlocked: boolean;
}

/** The rules a message's cheap conditions left: what they need read, and their verdict on it. */
export interface ProtectionPlan {
  needs: FactNeeds;
  decide(facts: ProtectionFacts): ProtectionVerdict;
}

/** The repositories, bound to the store's pool or to one transaction. */
/** How far the visitor has read a conversation. */
export interface VisitorReadRecord {
  conversationId: string;
  messageId: string;
  readAt: string;
}

/** A contact's email follow-up (see FollowupsRepository). */
export interface FollowupRecord {
  contactId: string;
  email: string;
  /** The page the visitor was on when leaving the address: the email links back to it. */
  pageUrl: string | null;
  locale: string | null;
  /** Messages up to this seq were emailed or seen live. */
  emailedSeq: number;
  dueAt: string | null;
  lastSentAt: string | null;
  unsubscribedAt: string | null;
}

/** A due follow-up claimed by this process, with the agent replies it is to carry. */
export interface ClaimedFollowup extends FollowupRecord {
  replies: (MessageRecord & { seq: number })[];
}

export interface Repositories {
  readonly contacts: ContactsRepository;
  /** Companies and which contacts belong to them. */
  readonly companies: CompaniesRepository;
  /** Conversations with their messages, the inbox and read markers. */
  readonly conversations: ConversationsRepository;
  readonly agents: AgentsRepository;
  readonly webhooks: WebhooksRepository;
  readonly audit: AuditRepository;
  /** Conversation tags: the workspace's catalog and each conversation's. */
  readonly tags: TagsRepository;
  /** Protection rules, held messages, rule events and rate-limit signals. */
  readonly protection: ProtectionRepository;
  /** Assignment and state changes of conversations. */
  readonly timeline: TimelineRepository;
  /** The team's saved replies. */
  readonly savedReplies: SavedRepliesRepository;
  /** Email follow-up of agent replies: addresses, due times with leases, what was emailed. */
  readonly followups: FollowupsRepository;
  /** Read receipts: the visitor's read position, and how far agents have read a contact's messages. */
  readonly receipts: ReceiptsRepository;
  /** Workspace settings as JSON documents (the messenger's office hours and reply time). */
  readonly settings: SettingsRepository;
  /** Email invitations of new agents (token hashes, expiry, used or revoked). */
  readonly invites: InvitesRepository;
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
  /**
   * The block lock (block-sql.ts): sets a contact's block state with what `plan` adds (rules,
   * audit entry, outbox events) in one transaction. Null when the contact does not exist.
   */
  changeBlock(input: SetBlockedInput, plan: BlockPlan): Promise<BlockChange | null>;
}
