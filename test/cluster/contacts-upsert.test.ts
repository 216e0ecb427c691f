import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http } from '../support/api.js';
import { startCluster, type Cluster } from '../support/cluster.js';
import { needPostgresAndRedis } from '../support/services.js';
import type { TestServer } from '../support/server.js';

const ready = await needPostgresAndRedis('contacts upsert cluster tests');
let cluster: Cluster;
const api = (i: number) => ({ url: cluster.nodes[i].url, apiKey: cluster.apiKey }) as TestServer;

beforeAll(async () => {
  if (ready) cluster = await startCluster(2);
}, 60_000);
afterAll(async () => {
  await cluster?.close();
});

describe.skipIf(!ready)('createOrUpdate racing on two processes', () => {
  it('creates a new userId once when calls for it arrive together, and every call answers that contact', async () => {
    for (let round = 0; round < 3; round++) {
      const userId = `racing-${round}`;
      const answers = await Promise.all(Array.from({ length: 8 }, (_, i) =>
        http(api(i % 2), 'POST', '/v2/contacts', { body: { userId, companies: [{ id: `co-${round}`, name: 'Shared' }] } })));
      expect(answers.map((a) => a.status).sort(), userId).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
      expect(new Set(answers.map((a) => a.json.id)).size).toBe(1);
      expect(new Set(answers.map((a) => a.json.companies[0].id)).size).toBe(1);
    }
  });
});
