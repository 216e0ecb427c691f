import type { ColumnType, Generated } from 'kysely';

// Column types as both drivers hand them over: timestamps are ISO text in SQLite and Date in
// PostgreSQL, JSON is text in SQLite and parsed in PostgreSQL, booleans 0/1 or true/false.
// Writes always pass ISO strings, JSON text and the dialect's flag (dialect.ts).
type Time = ColumnType<string | Date, string, string>;
type Json = ColumnType<unknown, string, string>;
type Flag = ColumnType<number | boolean, number | boolean, number | boolean>;
/** SQLite's integer keys arrive as numbers, PostgreSQL's bigints as strings. */
type BigId = number | string;

export interface ContactsTable {
  id: string;
  type: 'customer' | 'lead';
  user_id: string | null;
  email: string | null;
  name: string | null;
  profile_picture: string | null;
  custom_fields: Json;
  locale: string | null;
  blocked: ColumnType<number | boolean, number | boolean | undefined, number | boolean>;
  blocked_at: Time | null;
  blocked_until: Time | null;
  last_activity: Time | null;
  last_ip: string | null;
  last_device_id: string | null;
  created_at: Time;
  token_epoch: Generated<number>;
  merged_into: string | null;
  email_verified: Flag;
  /** A process claimed the end of this contact's expired block until then (migration 7). */
  block_expiry_lease: Time | null;
}

/** Companies as entities, found by the business's own id (`company_id`), migration 7. */
export interface CompaniesTable {
  id: string;
  company_id: string;
  name: string;
  company_size: number | null;
  industry: string | null;
  website: string | null;
  plan: string | null;
  monthly_spend: number | null;
  custom_fields: Json;
  /** When the business says the company was created (may be unknown). */
  created_at: Time | null;
  updated_at: Time;
}

/** Which contacts belong to which companies (migration 7). */
export interface ContactCompaniesTable {
  contact_id: string;
  company_id: string;
  linked_at: Time;
}

export interface BlockEventsTable {
  id: string;
  contact_id: string;
  action: 'block' | 'unblock';
  actor_type: string;
  actor_id: string | null;
  reason: string | null;
  created_at: Time;
}

export interface ConversationsTable {
  id: Generated<BigId>;
  contact_id: string;
  state: string;
  title: string | null;
  admin_assignee_id: string | null;
  created_at: Time;
  updated_at: Time;
  last_activity_at: Time;
  /** State `snoozed` until then (migration 8); a due one is woken by whichever process claims it. */
  snoozed_until: Time | null;
}

export interface MessagesTable {
  seq: Generated<BigId>;
  id: string;
  conversation_id: BigId;
  contact_id: string;
  client_id: string | null;
  author_type: string;
  author_id: string;
  author_name: string | null;
  body: string;
  message_type: string;
  created_at: Time;
  /** Set when the part was redacted (migration 8): its body is then empty. */
  redacted_at: Time | null;
}

/** The workspace's conversation tags (migration 8). */
export interface TagsTable {
  id: string;
  name: string;
  created_at: Time;
}

/** Which tags a conversation carries, since when and by whom (migration 8). */
export interface ConversationTagsTable {
  conversation_id: BigId;
  tag_id: string;
  applied_by: string | null;
  applied_at: Time;
}

export interface AgentsTable {
  id: string;
  email: string;
  name: string;
  role: 'admin' | 'agent';
  password_hash: string;
  session_epoch: Generated<number>;
  deactivated_at: Time | null;
  created_at: Time;
  /** Migration 11: 0–7, the colour behind the initials (null: derived from the id). */
  avatar_color: number | null;
  /** Migration 11: the picture's opaque key, new on each upload; null while the agent has none. */
  avatar_key: string | null;
}

/** Migration 11: an agent's picture, a base64 WebP square. */
export interface AgentAvatarsTable {
  agent_id: string;
  avatar_key: string;
  image: string;
  created_at: Time;
}

/** Migration 11: the team's saved replies. */
export interface SavedRepliesTable {
  id: string;
  title: string;
  body: string;
  created_by: string | null;
  created_at: Time;
  updated_at: Time;
}

/** Migration 11: assignment and state changes of a conversation (its timeline). */
export interface ConversationEventsTable {
  id: string;
  conversation_id: BigId;
  kind: string;
  actor_type: string;
  actor_id: string | null;
  actor_name: string | null;
  assignee_id: string | null;
  assignee_name: string | null;
  created_at: Time;
}

export interface ConversationReadsTable {
  agent_id: string;
  conversation_id: BigId;
  last_read_seq: BigId;
}

export interface ContactDevicesTable {
  contact_id: string;
  device_id: string;
  linked_at: Time;
}

export interface BlockRulesTable {
  id: string;
  kind: 'ip' | 'device';
  value: string;
  source_contact_id: string;
  expires_at: Time | null;
  created_at: Time;
}

export interface WebhooksTable {
  id: string;
  name: string;
  url: string;
  description: string | null;
  topics: Json;
  status: 'active' | 'paused' | 'suspended';
  secret: string;
  headers: Json;
  timeout_ms: number;
  last_status: Json | null;
  /** Before migration 6 the health counters lived here as JSON; now only written at creation. */
  health: Json;
  last_response_time: Generated<number>;
  avg_response_time: Generated<number>;
  last_success_at: Time | null;
  errors_since_last_success: Generated<number>;
  consecutive_failures: Generated<number>;
  created_at: Time;
  updated_at: Time;
}

export interface WebhookDeliveriesTable {
  id: string;
  webhook_id: string;
  topic: string;
  payload: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  next_attempt_at: Time;
  last_error: string | null;
  created_at: Time;
  updated_at: Time;
}

/** Core events that webhooks subscribe to, written in the transaction of the change (migration 6). */
export interface WebhookOutboxTable {
  id: string;
  event: string;
  /** Claimed until then; a process that died leaves it to be claimed again. */
  lease_until: Time;
  created_at: Time;
}

export interface AuditLogsTable {
  id: string;
  action: string;
  domain: string;
  description: string;
  actor_type: string;
  actor_id: string | null;
  actor_email: string | null;
  actor_name: string | null;
  resource_type: string;
  resource_id: string | null;
  resource_name: string | null;
  ip_address: string | null;
  user_agent: string | null;
  metadata: Json;
  created_at: Time;
}

/** Automatic protection rules (migration 9); conditions and action are JSON. */
export interface ProtectionRulesTable {
  id: string;
  name: string;
  description: string | null;
  mode: 'off' | 'dry_run' | 'enforce';
  conditions: Json;
  action: Json;
  preset: string | null;
  created_at: Time;
  updated_at: Time;
}

/** Messages a rule held, apart from `messages` until released or discarded (migration 9). */
export interface HeldMessagesTable {
  id: string;
  contact_id: string;
  conversation_id: string | null;
  client_id: string | null;
  author_type: string;
  author_id: string;
  author_name: string | null;
  body: string;
  rule_id: string;
  rule_name: string;
  created_at: Time;
}

/** What rules did or, in dry run, would have done (migration 9). */
export interface ProtectionEventsTable {
  id: string;
  rule_id: string;
  rule_name: string;
  mode: 'dry_run' | 'enforce';
  action: string;
  trigger_kind: 'message' | 'rate_limit';
  contact_id: string;
  excerpt: string | null;
  created_at: Time;
}

/** Behaviour the rules count (rate-limit hits), per contact (migration 9). */
export interface ProtectionSignalsTable {
  id: string;
  contact_id: string;
  kind: 'rate_limit';
  created_at: Time;
}

/** Per-contact facts the protection rules read in one row (migration 13). */
export interface ProtectionContactStateTable {
  contact_id: string;
  /** The contact's latest text (a hash) while a `repeated` rule runs, and when it sent it, newest first (comma-separated). */
  text_hash: string | null;
  text_times: string | null;
  /** Its messages held now (0: the history needs no held lookup). */
  held_count: Generated<number>;
  block_count: Generated<number>;
  unblocked_at: Time | null;
}

/** Every table, as Kysely sees it. */
/** Email follow-up of agent replies, one row per contact that left an address (migration 12). */
export interface EmailFollowupsTable {
  contact_id: string;
  email: string;
  page_url: string | null;
  locale: string | null;
  emailed_seq: ColumnType<BigId, BigId | undefined, BigId>;
  due_at: Time | null;
  lease_until: Time | null;
  last_sent_at: Time | null;
  unsubscribed_at: Time | null;
  created_at: Time;
  updated_at: Time;
}

/** How far the visitor has read each conversation (receipts, migration 12). */
export interface VisitorReadsTable {
  conversation_id: BigId;
  message_id: string;
  seq: BigId;
  read_at: Time;
}

/** Workspace settings as JSON documents by key (migration 12): `messenger` (office hours, reply time). */
export interface SettingsTable {
  key: string;
  value: string;
  updated_at: Time;
}

/** Migration 15: an agent's email invitation (the token's HMAC only), open until used, revoked or expired. */
export interface AgentInvitesTable {
  agent_id: string;
  token_hash: string;
  expires_at: Time;
  sent_at: Time;
  used_at: Time | null;
  revoked_at: Time | null;
}

export interface Database {
  contacts: ContactsTable;
  companies: CompaniesTable;
  contact_companies: ContactCompaniesTable;
  block_events: BlockEventsTable;
  conversations: ConversationsTable;
  messages: MessagesTable;
  agents: AgentsTable;
  agent_avatars: AgentAvatarsTable;
  conversation_events: ConversationEventsTable;
  saved_replies: SavedRepliesTable;
  conversation_reads: ConversationReadsTable;
  contact_devices: ContactDevicesTable;
  block_rules: BlockRulesTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_outbox: WebhookOutboxTable;
  audit_logs: AuditLogsTable;
  tags: TagsTable;
  conversation_tags: ConversationTagsTable;
  protection_rules: ProtectionRulesTable;
  held_messages: HeldMessagesTable;
  protection_events: ProtectionEventsTable;
  protection_signals: ProtectionSignalsTable;
  protection_contact_state: ProtectionContactStateTable;
  email_followups: EmailFollowupsTable;
  visitor_reads: VisitorReadsTable;
  settings: SettingsTable;
  agent_invites: AgentInvitesTable;
}
