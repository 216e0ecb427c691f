/**
 * Schema versions 1 to 5 for SQLite, verbatim as the store before Kysely applied them (recorded in
 * `schema_migrations`). History: databases made by those versions have exactly this schema, and
 * migrations.ts adopts them. Later versions are written once, with Kysely's schema builder.
 */
export const SQLITE_V1_TO_V5: string[] = [
  `CREATE TABLE contacts (
     id TEXT PRIMARY KEY,
     type TEXT NOT NULL CHECK (type IN ('customer','lead')),
     user_id TEXT UNIQUE,
     email TEXT,
     name TEXT,
     profile_picture TEXT,
     custom_fields TEXT NOT NULL DEFAULT '{}',
     companies TEXT NOT NULL DEFAULT '[]',
     locale TEXT,
     blocked INTEGER NOT NULL DEFAULT 0,
     blocked_at TEXT,
     last_activity TEXT,
     created_at TEXT NOT NULL
   );
   CREATE INDEX contacts_email ON contacts(email);
   CREATE INDEX contacts_type ON contacts(type);
   CREATE TABLE block_events (
     id TEXT PRIMARY KEY,
     contact_id TEXT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
     action TEXT NOT NULL CHECK (action IN ('block','unblock')),
     actor_type TEXT NOT NULL,
     actor_id TEXT,
     reason TEXT,
     created_at TEXT NOT NULL
   );
   CREATE INDEX block_events_contact ON block_events(contact_id, created_at);
   CREATE TABLE conversations (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     contact_id TEXT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
     state TEXT NOT NULL DEFAULT 'open',
     title TEXT,
     admin_assignee_id TEXT,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL,
     last_activity_at TEXT NOT NULL
   );
   CREATE INDEX conversations_contact ON conversations(contact_id, id);
   CREATE TABLE messages (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     id TEXT NOT NULL UNIQUE,
     conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
     contact_id TEXT NOT NULL,
     client_id TEXT,
     author_type TEXT NOT NULL,
     author_id TEXT NOT NULL,
     author_name TEXT,
     body TEXT NOT NULL,
     message_type TEXT NOT NULL,
     created_at TEXT NOT NULL
   );
   CREATE INDEX messages_conversation ON messages(conversation_id, seq);
   CREATE INDEX messages_contact ON messages(contact_id, seq);
   CREATE UNIQUE INDEX messages_client_id ON messages(author_id, client_id) WHERE client_id IS NOT NULL;`,
  // 2: console accounts and per-agent read markers (inbox unread counts).
  `CREATE TABLE agents (
     id TEXT PRIMARY KEY,
     email TEXT NOT NULL UNIQUE,
     name TEXT NOT NULL,
     role TEXT NOT NULL CHECK (role IN ('admin','agent')),
     password_hash TEXT NOT NULL,
     created_at TEXT NOT NULL
   );
   CREATE TABLE conversation_reads (
     agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
     conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
     last_read_seq INTEGER NOT NULL,
     PRIMARY KEY (agent_id, conversation_id)
   );
   CREATE INDEX conversations_activity ON conversations(last_activity_at, id);`,
  // 3: wider blocks (expiry, last IP/device, IP and device rules), webhooks with persisted
  // deliveries, audit log.
  `ALTER TABLE contacts ADD COLUMN blocked_until TEXT;
   ALTER TABLE contacts ADD COLUMN last_ip TEXT;
   ALTER TABLE contacts ADD COLUMN last_device_id TEXT;
   CREATE TABLE block_rules (
     id TEXT PRIMARY KEY,
     kind TEXT NOT NULL CHECK (kind IN ('ip','device')),
     value TEXT NOT NULL,
     source_contact_id TEXT NOT NULL,
     expires_at TEXT,
     created_at TEXT NOT NULL
   );
   CREATE INDEX block_rules_value ON block_rules(kind, value);
   CREATE INDEX block_rules_source ON block_rules(source_contact_id);
   CREATE TABLE webhooks (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     url TEXT NOT NULL,
     description TEXT,
     topics TEXT NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('active','paused','suspended')),
     secret TEXT NOT NULL,
     headers TEXT NOT NULL DEFAULT '{}',
     timeout_ms INTEGER NOT NULL,
     last_status TEXT,
     health TEXT NOT NULL,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL
   );
   CREATE TABLE webhook_deliveries (
     id TEXT PRIMARY KEY,
     webhook_id TEXT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
     topic TEXT NOT NULL,
     payload TEXT NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('pending','delivered','failed')),
     attempts INTEGER NOT NULL DEFAULT 0,
     next_attempt_at TEXT NOT NULL,
     last_error TEXT,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL
   );
   CREATE INDEX webhook_deliveries_due ON webhook_deliveries(status, next_attempt_at);
   CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries(webhook_id, created_at);
   CREATE TABLE audit_logs (
     id TEXT PRIMARY KEY,
     action TEXT NOT NULL,
     domain TEXT NOT NULL,
     description TEXT NOT NULL,
     actor_type TEXT NOT NULL,
     actor_id TEXT,
     actor_email TEXT,
     actor_name TEXT,
     resource_type TEXT NOT NULL,
     resource_id TEXT,
     resource_name TEXT,
     ip_address TEXT,
     user_agent TEXT,
     metadata TEXT NOT NULL DEFAULT '{}',
     created_at TEXT NOT NULL
   );
   CREATE INDEX audit_logs_created ON audit_logs(created_at);`,
  // Signing out bumps the epoch: every session token issued before stops working.
  `ALTER TABLE agents ADD COLUMN session_epoch INTEGER NOT NULL DEFAULT 0;`,
  // Trust: visitor tokens die with an epoch bump (promotion, merge, deletion); a merged lead
  // points at its customer; emails a visitor typed are unverified; every device a contact
  // used; agents can be deactivated.
  `ALTER TABLE contacts ADD COLUMN token_epoch INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE contacts ADD COLUMN merged_into TEXT;
   ALTER TABLE contacts ADD COLUMN email_verified INTEGER NOT NULL DEFAULT 1;
   UPDATE contacts SET email_verified = 0 WHERE type = 'lead';
   CREATE INDEX contacts_merged_into ON contacts(merged_into);
   CREATE TABLE contact_devices (
     contact_id TEXT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
     device_id TEXT NOT NULL,
     linked_at TEXT NOT NULL,
     PRIMARY KEY (contact_id, device_id)
   );
   CREATE INDEX contact_devices_device ON contact_devices(device_id);
   INSERT INTO contact_devices (contact_id, device_id, linked_at)
     SELECT id, last_device_id, coalesce(last_activity, created_at) FROM contacts WHERE last_device_id IS NOT NULL;
   ALTER TABLE agents ADD COLUMN deactivated_at TEXT;`,
];
