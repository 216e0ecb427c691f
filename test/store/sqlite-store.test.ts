import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../server/store/sqlite/open.js';
import { runStoreContracts } from './contracts/index.js';

const dirs = new Map<object, string>();

runStoreContracts({
  name: 'sqlite (file)',
  async open() {
    const dir = mkdtempSync(join(tmpdir(), 'parley-store-'));
    const store = openSqliteStore(join(dir, 'test.db'));
    dirs.set(store, dir);
    await store.migrate();
    return store;
  },
  async cleanup(store) {
    rmSync(dirs.get(store)!, { recursive: true, force: true });
    dirs.delete(store);
  },
});
