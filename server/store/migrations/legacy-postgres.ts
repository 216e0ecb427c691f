/**
 * Schema versions 1 to 5 for PostgreSQL (the `seq` columns stand in for SQLite's rowid as the paging and history order), verbatim as the store before Kysely applied them (recorded in
 * `schema_migrations`). History: databases made by those versions have exactly this schema, and
 * migrations.ts adopts them. Later versions are written once, with Kysely's schema builder.
 */
export const POSTGRES_V1_TO_V5: string[] = [
  `CREATE TABLE contacts (
     seq bigserial NOT NULL UNIQUE,
     id text PRIMARY KEY,
     type text NOT NULL CHECK (type IN ('customer','lead')),
     user_id text UNIQUE,
     email text,
     name text,
     profile_picture text,
     custom_fields jsonb NOT NULL DEFAULT '{}',
     companies jsonb NOT NULL DEFAULT '[]',
     locale text,
     blocked boolean NOT NULL DEFAULT false,
     blocked_at timestamptz,
     last_activity timestamptz,
     created_at timestamptz NOT NULL
   );
   CREATE INDEX contacts_email ON contacts(email, seq);
   CREATE INDEX contacts_type ON contacts(type, seq);
   CREATE TABLE block_events (
     seq bigserial NOT NULL UNIQUE,
     id text PRIMARY KEY,
     contact_id text NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
     action text NOT NULL CHECK (action IN ('block','unblock')),
     actor_type text NOT NULL,
     actor_id text,
     reason text,
     created_at timestamptz NOT NULL
   );
   CREATE INDEX block_events_contact ON block_events(contact_id, created_at, seq);
   CREATE TABLE conversations (
     id bigserial PRIMARY KEY,
     contact_id text NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
     state text NOT NULL DEFAULT 'open',
     title text,
     admin_assignee_id text,
     created_at timestamptz NOT NULL,
     updated_at timestamptz NOT NULL,
     last_activity_at timestamptz NOT NULL
   );
   CREATE INDEX conversations_contact ON conversations(contact_id, id);
   CREATE TABLE messages (
     seq bigserial PRIMARY KEY,
     id text NOT NULL UNIQUE,
     conversation_id bigint NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
     contact_id text NOT NULL,
     client_id text,
     author_type text NOT NULL,
     author_id text NOT NULL,
     author_name text,
     body text NOT NULL,
     message_type text NOT NULL,
     created_at timestamptz NOT NULL,
     -- NULL client ids are distinct, so only keyed sends are deduplicated.
     CONSTRAINT messages_client_id UNIQUE (author_id, client_id)
   );
   CREATE INDEX messages_conversation ON messages(conversation_id, seq);
   CREATE INDEX messages_contact ON messages(contact_id, seq);`,
  // 2: console accounts and per-agent read markers (inbox unread counts).
  `CREATE TABLE agents (
     seq bigserial NOT NULL UNIQUE,
     id text PRIMARY KEY,
     email text NOT NULL UNIQUE,
     name text NOT NULL,
     role text NOT NULL CHECK (role IN ('admin','agent')),
     password_hash text NOT NULL,
     created_at timestamptz NOT NULL
   );
   CREATE TABLE conversation_reads (
     agent_id text NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
     conversation_id bigint NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
     last_read_seq bigint NOT NULL,
     PRIMARY KEY (agent_id, conversation_id)
   );
   CREATE INDEX conversations_activity ON conversations(last_activity_at DESC, id DESC);`,
  // 3: wider blocks (expiry, last IP/device, IP and device rules), webhooks with persisted
  // deliveries, audit log.
  `ALTER TABLE contacts ADD COLUMN blocked_until timestamptz;
   ALTER TABLE contacts ADD COLUMN last_ip text;
   ALTER TABLE contacts ADD COLUMN last_device_id text;
   CREATE TABLE block_rules (
     seq bigserial NOT NULL UNIQUE,
     id text PRIMARY KEY,
     kind text NOT NULL CHECK (kind IN ('ip','device')),
     value text NOT NULL,
     source_contact_id text NOT NULL,
     expires_at timestamptz,
     created_at timestamptz NOT NULL
   );
   CREATE INDEX block_rules_value ON block_rules(kind, value);
   CREATE INDEX block_rules_source ON block_rules(source_contact_id);
   CREATE TABLE webhooks (
     seq bigserial NOT NULL UNIQUE,
     id text PRIMARY KEY,
     name text NOT NULL,
     url text NOT NULL,
     description text,
     topics jsonb NOT NULL,
     status text NOT NULL CHECK (status IN ('active','paused','suspended')),
     secret text NOT NULL,
     headers jsonb NOT NULL DEFAULT '{}',
     timeout_ms integer NOT NULL,
     last_status jsonb,
     health jsonb NOT NULL,
     created_at timestamptz NOT NULL,
     updated_at timestamptz NOT NULL
   );
   CREATE TABLE webhook_deliveries (
     seq bigserial NOT NULL UNIQUE,
     id text PRIMARY KEY,
     webhook_id text NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
     topic text NOT NULL,
     payload text NOT NULL,
     status text NOT NULL CHECK (status IN ('pending','delivered','failed')),
     attempts integer NOT NULL DEFAULT 0,
     next_attempt_at timestamptz NOT NULL,
     last_error text,
     created_at timestamptz NOT NULL,
     updated_at timestamptz NOT NULL
   );
   CREATE INDEX webhook_deliveries_due ON webhook_deliveries(status, next_attempt_at);
   CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries(webhook_id, seq);
   CREATE TABLE audit_logs (
     seq bigserial NOT NULL UNIQUE,
     id text PRIMARY KEY,
     action text NOT NULL,
     domain text NOT NULL,
     description text NOT NULL,
     actor_type text NOT NULL,
     actor_id text,
     actor_email text,
     actor_name text,
     resource_type text NOT NULL,
     resource_id text,
     resource_name text,
     ip_address text,
     user_agent text,
     metadata jsonb NOT NULL DEFAULT '{}',
     created_at timestamptz NOT NULL
   );
   CREATE INDEX audit_logs_created ON audit_logs(created_at DESC, seq DESC);`,
  // Signing out bumps the epoch: every session token issued before stops working.
  `ALTER TABLE agents ADD COLUMN session_epoch integer NOT NULL DEFAULT 0;`,
  // Trust: visitor tokens die with an epoch bump (promotion, merge, deletion); a merged lead
  // points at its customer; emails a visitor typed are unverified; every device a contact
  // used; agents can be deactivated.
  `ALTER TABLE contacts ADD COLUMN token_epoch integer NOT NULL DEFAULT 0;
   ALTER TABLE contacts ADD COLUMN merged_into text;
   ALTER TABLE contacts ADD COLUMN email_verified boolean NOT NULL DEFAULT true;
   UPDATE contacts SET email_verified = false WHERE type = 'lead';
   CREATE INDEX contacts_merged_into ON contacts(merged_into);
   CREATE TABLE contact_devices (
     contact_id text NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
     device_id text NOT NULL,
     linked_at timestamptz NOT NULL,
     PRIMARY KEY (contact_id, device_id)
   );
   CREATE INDEX contact_devices_device ON contact_devices(device_id);
   INSERT INTO contact_devices (contact_id, device_id, linked_at)
     SELECT id, last_device_id, coalesce(last_activity, created_at) FROM contacts WHERE last_device_id IS NOT NULL;
   ALTER TABLE agents ADD COLUMN deactivated_at timestamptz;`,
];
