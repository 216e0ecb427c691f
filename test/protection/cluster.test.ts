import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http } from '../support/api.js';
import { connectAgent, nextEvent, signIn } from '../support/agent.js';
import { startCluster, type Cluster } from '../support/cluster.js';
import { needPostgresAndRedis } from '../support/services.js';
import type { TestServer } from '../support/server.js';
import { connectVisitor } from '../support/visitor.js';
import { listHeld, saveRule } from './support.js';

const ready = await needPostgresAndRedis('protection cluster tests');
const PASSWORD = 'cluster admin password';
let cluster: Cluster;
const node = (i: number) => ({ url: cluster.nodes[i].url, apiKey: cluster.apiKey }) as TestServer;

beforeAll(async () => {
  if (ready) cluster = await startCluster(2, { PARLEY_ADMIN_PASSWORD: PASSWORD });
}, 60_000);
afterAll(async () => {
  await cluster?.close();
});

describe.skipIf(!ready)('protection across two Parley processes (PostgreSQL + Redis)', () => {
  it('holds on one process; a release on the other reaches agents live on both, a discard removes it everywhere', async () => {
    const { cookie } = await signIn(node(0), 'admin@parley.local', PASSWORD);
    const agentA = await connectAgent(node(0), cookie);
    const agentB = await connectAgent(node(1), cookie);
    const bodies: string[] = [];
    agentA.on('message:new', (p) => bodies.push(p.message.body));
    // Saved through the process the visitor writes to, which drops its rule cache at once.
    const rule = await saveRule(node(0), { name: 'promo', conditions: [{ type: 'words', words: ['promo'] }], action: { type: 'hold' } });
    const visitor = await connectVisitor(cluster.nodes[0].url);
    try {
      for (const i of [1, 2]) expect(await visitor.send(`PROMO code ${i}`)).toMatchObject({ ok: true });
      const held = (await listHeld(node(1))).filter((h) => h.contactId === visitor.session.contact.id);
      expect(held.map((h) => h.bodyMarkdown).sort()).toEqual(['PROMO code 1', 'PROMO code 2']);
      // A later message is pushed after anything the held ones could have pushed: nothing.
      const sentinel = nextEvent(agentA, 'message:new', (p) => p.message.body === 'sentinel');
      await visitor.send('sentinel');
      await sentinel;
      expect(bodies).toEqual(['sentinel']);

      const [first, second] = held;
      const live = Promise.all([agentA, agentB].map((s) => nextEvent(s, 'message:new', (p) => p.message.body === first.bodyMarkdown)));
      const released = await http(node(1), 'POST', `/v2/protection/held/${first.id}/release`);
      expect(released.status).toBe(200);
      await live;
      expect((await http(node(0), 'DELETE', `/v2/protection/held/${second.id}`)).status).toBe(200);
      expect((await http(node(1), 'POST', `/v2/protection/held/${second.id}/release`)).json).toMatchObject({ code: 'held_message_not_found' });
      expect((await listHeld(node(0))).filter((h) => h.contactId === visitor.session.contact.id)).toEqual([]);
      await http(node(0), 'DELETE', `/v2/protection/rules/${rule.id}`);
    } finally {
      visitor.close();
      agentA.close();
      agentB.close();
    }
  });
});
