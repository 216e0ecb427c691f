/** Versioned schema; each entry runs once, in order, inside a transaction. */
export const SQLITE_MIGRATIONS: string[] = [
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
];
