import { describe, expect, it } from 'vitest';
import { http } from '../support/api.js';
import { clusterPerFile } from '../support/cluster.js';

const t = await clusterPerFile('contacts upsert cluster tests', 2);

describe.skipIf(!t.ready)('createOrUpdate racing on two processes', () => {
  it('creates a new userId once when calls for it arrive together, and every call answers that contact', async () => {
    for (let round = 0; round < 3; round++) {
      const userId = `racing-${round}`;
      const answers = await Promise.all(Array.from({ length: 8 }, (_, i) =>
        http(t.api(i % 2), 'POST', '/v2/contacts', { body: { userId, companies: [{ id: `co-${round}`, name: 'Shared' }] } })));
      expect(answers.map((a) => a.status).sort(), userId).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
      expect(new Set(answers.map((a) => a.json.id)).size).toBe(1);
      expect(new Set(answers.map((a) => a.json.companies[0].id)).size).toBe(1);
    }
  });
});
