import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CONTACT_COLUMNS, CONVERSATION_COLUMNS, contactReader, conversationReader } from '../../server/store/sqlite/append-rows.js';
import { openSqliteStore } from '../../server/store/sqlite/open.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

async function migratedFile(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-rows-'));
  dirs.push(dir);
  const path = join(dir, 'test.db');
  const store = openSqliteStore(path);
  await store.migrate();
  const contact = await store.contacts.create({ type: 'lead', name: 'Ada' });
  await store.conversations.appendMessage({ authorType: 'lead', authorId: contact.id, clientId: 'c1', body: 'hi', messageType: 'reply' });
  await store.close();
  return path;
}

describe('SQLite append row reads', () => {
  it('name every column of contacts and conversations as the migrated schema has them', async () => {
    const db = new Database(await migratedFile());
    const columns = (table: string) => db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all(table);
    expect([...CONTACT_COLUMNS].sort()).toEqual(columns('contacts').sort());
    expect([...CONVERSATION_COLUMNS].sort()).toEqual(columns('conversations').sort());
    db.close();
  });

  it('give the same objects as SELECT *', async () => {
    const db = new Database(await migratedFile());
    const contact = db.prepare('SELECT * FROM contacts').get() as { id: string };
    const conversation = db.prepare('SELECT * FROM conversations').get() as { id: number };
    expect(contactReader(db, 'WHERE id = ?')(contact.id)).toStrictEqual(contact);
    expect(conversationReader(db, 'WHERE id = ?')(String(conversation.id))).toStrictEqual(conversation);
    expect(contactReader(db, 'WHERE id = ?')('nobody')).toBeUndefined();
    db.close();
  });
});
