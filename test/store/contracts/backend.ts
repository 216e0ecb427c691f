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
