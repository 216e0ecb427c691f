import type { Store } from '../../../server/store/store.js';

/** A backend the contract suites run on: `open` returns a fresh, empty, migrated store. */
export interface Backend {
  name: string;
  open(): Promise<Store>;
  /** Drops what `open` made, once the store is closed. */
  cleanup?(store: Store): Promise<void>;
}
