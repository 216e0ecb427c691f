import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../server/store/sqlite/sqlite-store.js';
import { runAgentStoreContract } from './agent-store-contract.js';
import { runStoreContract } from './store-contract.js';
import { runHardeningStoreContract } from './hardening-contract.js';

runStoreContract(
  'sqlite (file)',
  async () => new SqliteStore(join(mkdtempSync(join(tmpdir(), 'parley-store-')), 'test.db')),
  async (s) => rmSync(join((s as SqliteStore).path, '..'), { recursive: true, force: true }),
);
runAgentStoreContract('sqlite (file)', async () => new SqliteStore(join(mkdtempSync(join(tmpdir(), 'parley-agents-')), 'test.db')), async (s) => rmSync(join((s as SqliteStore).path, '..'), { recursive: true, force: true }));
runHardeningStoreContract('sqlite (file)', async () => new SqliteStore(join(mkdtempSync(join(tmpdir(), 'parley-hardening-')), 'test.db')), async (s) => rmSync(join((s as SqliteStore).path, '..'), { recursive: true, force: true }));
