import { afterEach, beforeEach } from 'vitest';
import type { Store } from '../../../server/store/store.js';

/** A backend the contract suites run on: `open` returns a fresh, empty, migrated store. */
export interface Backend {
  name: string;
  open(): Promise<Store>;
  /** Drops what `open` made, once the store is closed. */
  cleanup?(store: Store): Promise<void>;
}

/** A fresh store from `backend` for each test of the calling suite, closed and dropped after it. */
export function storePerTest(backend: Backend): () => Store {
  let store: Store;
  beforeEach(async () => {
    store = await backend.open();
  });
  afterEach(async () => {
    await store.close();
    await backend.cleanup?.(store);
  });
  return () => store;
}

/** A new lead's first conversation in `store` (its id). */
export async function leadConversation(store: Store): Promise<string> {
  const c = await store.contacts.create({ type: 'lead' });
  const r = await store.conversations.appendMessage({ authorType: 'lead', authorId: c.id, body: 'hi', messageType: 'reply', newConversation: true });
  if (r.status !== 'stored') throw new Error(r.status);
  return r.conversation.id;
}

/**
 * A transaction that renames contact `contactId` to `name` and stays open, uncommitted, until
 * `release()`; then it rolls back (`outcome` answers 'rolled back').
 */
export async function heldOpenRename(store: Store, contactId: string, name: string): Promise<{ release: () => void; outcome: Promise<string> }> {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let opened!: () => void;
  const open = new Promise<void>((resolve) => (opened = resolve));
  const outcome = store.transaction(async (tx) => {
    await tx.contacts.update(contactId, { name });
    opened();
    await gate;
    throw new Error('rolled back');
  }).then(() => 'committed', (err: Error) => err.message);
  await open;
  return { release, outcome };
}
