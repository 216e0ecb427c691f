import { afterEach, beforeEach } from 'vitest';
import type { Store } from '../../../server/store/store.js';

/** A backend the contract suites run on: `open` returns a fresh, empty, migrated store. */
export interface Backend {
  name: string;
  open(): Promise<Store>;
  /** Drops what `open` made, once the store is closed. */
  cleanup?(store: Store): Promise<void>;
}

/** A fresh store for each test of the suite it is called in (closed and dropped after it); call it for the current one. */
export function freshStore(backend: Backend): () => Store {
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
