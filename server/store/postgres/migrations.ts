/**
 * Versioned PostgreSQL schema; each entry runs once, in order, in its own transaction
 * under an advisory lock (see PgStore.migrate). Mirrors server/store/sqlite/migrations.ts:
 * the `seq` columns stand in for SQLite's rowid as the paging and history order.
 */
export const POSTGRES_MIGRATIONS: string[] = [
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
];
