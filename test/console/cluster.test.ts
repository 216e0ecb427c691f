import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask, connectAgent, nextEvent, signIn } from '../support/agent.js';
import { startCluster, type Cluster } from '../support/cluster.js';
import { needPostgresAndRedis } from '../support/services.js';
import type { TestServer } from '../support/server.js';
import { connectVisitor } from '../support/visitor.js';

const ready = await needPostgresAndRedis('console cluster tests');
const PASSWORD = 'cluster admin password';
let cluster: Cluster;
const node = (i: number) => ({ url: cluster.nodes[i].url }) as TestServer;

beforeAll(async () => {
  // The first process creates the admin (PARLEY_ADMIN_PASSWORD), the second finds it there.
  if (ready) cluster = await startCluster(2, { PARLEY_ADMIN_PASSWORD: PASSWORD });
}, 60_000);
afterAll(async () => {
  await cluster?.close();
});

describe.skipIf(!ready)('console across two Parley processes (PostgreSQL + Redis)', () => {
  it('signs in on either process and pushes messages and blocks made on one to agents on the other', async () => {
    const [a, b] = await Promise.all([signIn(node(0), 'admin@parley.local', PASSWORD), signIn(node(1), 'admin@parley.local', PASSWORD)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const agentA = await connectAgent(node(0), a.cookie);
    // A cookie from process A is good on process B (same secret).
    const agentB = await connectAgent(node(1), a.cookie);
    const visitor = await connectVisitor(cluster.nodes[0].url, { name: 'Nia' });
    try {
      const seen = Promise.all([agentA, agentB].map((s) => nextEvent(s, 'message:new', (p) => p.message.body === 'hello from process A')));
      const sent = await visitor.send('hello from process A');
      if (!sent.ok) throw new Error(sent.error.code);
      await seen;

      const contactId = visitor.session.contact.id;
      const told = visitor.next('contact:blocked');
      const onA = nextEvent(agentA, 'contact:blocked', (p) => p.contact.id === contactId);
      const res = await ask(agentB, 'contact:block', { contactId, reason: 'blocked on B' });
      expect(res.ok).toBe(true);
      await told;
      expect((await onA).event).toMatchObject({ action: 'block', actorName: 'Admin', reason: 'blocked on B' });
      expect(await visitor.send('still there?')).toMatchObject({ ok: false, error: { code: 'contact_blocked' } });

      const reply = visitor.next('message:new');
      await ask(agentB, 'conversation:reply', { conversationId: sent.message.conversationId, body: 'reply from B', clientId: 'cluster-reply-1' });
      expect((await reply).body).toBe('reply from B');
    } finally {
      visitor.close();
      agentA.close();
      agentB.close();
    }
  });
});
