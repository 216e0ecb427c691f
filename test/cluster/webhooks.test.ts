import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockContact, sdk, unblockContact } from '../support/api.js';
import { startCluster, type Cluster } from '../support/cluster.js';
import { DATABASE_URL, needPostgresAndRedis } from '../support/services.js';
import type { TestServer } from '../support/server.js';
import { connectVisitor } from '../support/visitor.js';
import { startReceiver } from '../support/webhook-receiver.js';

const ready = await needPostgresAndRedis('webhook cluster tests');
let cluster: Cluster;
const api = (i: number) => ({ url: cluster.nodes[i].url, apiKey: cluster.apiKey }) as TestServer;

beforeAll(async () => {
  if (ready) cluster = await startCluster(2, { PARLEY_WEBHOOK_POLL_MS: '50', PARLEY_WEBHOOK_RETRY_BASE_MS: '100', PARLEY_WEBHOOKS_ALLOW_PRIVATE: 'true' });
}, 60_000);
afterAll(async () => {
  await cluster?.close();
});

describe.skipIf(!ready)('webhooks with two Parley processes', () => {
  it('delivers each event once, from whichever process committed it', async () => {
    const r = await startReceiver();
    const hook = await sdk(api(0)).webhooks.create({ name: 'cluster', url: r.url, topics: ['contact.blocked', 'contact.unblocked'] as any });
    const v = await connectVisitor(cluster.nodes[0].url);
    const id = v.session.contact.id;
    // Blocked through process B, unblocked through process A.
    await blockContact(api(1), id, 'cluster');
    await unblockContact(api(0), id);
    await r.next((h) => h.body.topic === 'contact.blocked');
    await r.next((h) => h.body.topic === 'contact.unblocked');

    const db = new pg.Client({ connectionString: DATABASE_URL, options: `-c search_path=${cluster.schema}` });
    await db.connect();
    try {
      // Two events, two delivery rows, each delivered by one process with one attempt.
      let rows: { topic: string; status: string; attempts: number }[] = [];
      for (let i = 0; i < 100; i++) {
        rows = (await db.query('SELECT topic, status, attempts FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY seq', [hook.id])).rows;
        if (rows.every((row) => row.status === 'delivered')) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(rows).toEqual([
        { topic: 'contact.blocked', status: 'delivered', attempts: 1 },
        { topic: 'contact.unblocked', status: 'delivered', attempts: 1 },
      ]);
    } finally {
      await db.end();
    }
    // Two dispatchers may post in either order (docs/API.md says so); the event times keep it.
    const byTime = [...r.received].sort((a, b) => a.body.createdAt.localeCompare(b.body.createdAt));
    expect(byTime.map((h) => h.body.topic)).toEqual(['contact.blocked', 'contact.unblocked']);
    v.close();
    await r.close();
  });
});
