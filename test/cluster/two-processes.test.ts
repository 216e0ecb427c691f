import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userHash } from '../../server/realtime/identity.js';
import { blockContact, http, unblockContact } from '../support/api.js';
import { startCluster, type Cluster } from '../support/cluster.js';
import { needPostgresAndRedis } from '../support/services.js';
import type { TestServer } from '../support/server.js';
import { connectVisitor, type Visitor } from '../support/visitor.js';

const ready = await needPostgresAndRedis('two-process cluster tests');
let cluster: Cluster;
const api = (i: number) => ({ url: cluster.nodes[i].url, apiKey: cluster.apiKey }) as TestServer;

beforeAll(async () => {
  if (ready) cluster = await startCluster(2);
}, 60_000);
afterAll(async () => {
  await cluster?.close();
});

describe.skipIf(!ready)('two Parley processes on PostgreSQL + Redis', () => {
  it('pushes contact:blocked to tabs on both processes when process B\'s REST API blocks', async () => {
    const tabA = await connectVisitor(cluster.nodes[0].url);
    const tabB = await connectVisitor(cluster.nodes[1].url, { visitorToken: tabA.session.visitorToken });
    expect(tabB.session.contact.id).toBe(tabA.session.contact.id);
    const id = tabA.session.contact.id;
    expect(await tabA.send('hello from A')).toMatchObject({ ok: true });

    const pushes = Promise.all([tabA.next('contact:blocked'), tabB.next('contact:blocked')]);
    expect((await blockContact(api(1), id, 'abuse')).status).toBe(200);
    expect(await pushes).toEqual([{ contactId: id }, { contactId: id }]);
    expect(await tabA.send('nope')).toMatchObject({ ok: false, error: { code: 'contact_blocked' } });
    expect(await tabB.send('nope')).toMatchObject({ ok: false, error: { code: 'contact_blocked' } });

    const unblocked = Promise.all([tabA.next('contact:unblocked'), tabB.next('contact:unblocked')]);
    expect((await unblockContact(api(0), id)).status).toBe(200);
    await unblocked;
    expect(await tabA.send('back on A')).toMatchObject({ ok: true });
    expect(await tabB.send('back on B')).toMatchObject({ ok: true });
    tabA.close();
    tabB.close();
  });

  it('delivers message:new across processes: own messages to other tabs and agent replies', async () => {
    const auth = { userId: 'cluster-user', userHash: userHash('cluster-user', cluster.secret) };
    const tabA = await connectVisitor(cluster.nodes[0].url, auth);
    const tabB = await connectVisitor(cluster.nodes[1].url, auth);
    const mirrored = tabB.next('message:new');
    const ack = await tabA.send('typed on A');
    if (!ack.ok) throw new Error('send failed');
    expect((await mirrored).id).toBe(ack.message.id);
    const reply = tabA.next('message:new');
    // The first admin the processes created is an admin id the API accepts.
    const admins = await http(api(1), 'GET', '/v2/admins');
    const res = await http(api(1), 'POST', `/v2/conversations/${ack.message.conversationId}/reply`, {
      body: { type: 'admin', id: admins.json.data[0].id, bodyMarkdown: 'answered on B', messageType: 'reply' },
    });
    expect(res.status).toBe(201);
    expect((await reply).body).toBe('answered on B');
    tabA.close();
    tabB.close();
  });

  it('shares rate-limit counters through Redis: a flood spread over both processes is one flood', async () => {
    // Limits are per contact; a separate cluster with a tight limit keeps other tests unaffected.
    const limited = await startCluster(2, { PARLEY_RATE_SEND_PER_CONTACT: '6/60', PARLEY_RATE_SEND_PER_CONNECTION: 'off', PARLEY_RATE_SEND_PER_IP: 'off' });
    try {
      const a = await connectVisitor(limited.nodes[0].url);
      const b = await connectVisitor(limited.nodes[1].url, { visitorToken: a.session.visitorToken });
      const acks = [];
      for (let i = 0; i < 5; i++) acks.push(await a.send(`a${i}`), await b.send(`b${i}`));
      expect(acks.filter((x) => x.ok)).toHaveLength(6);
      expect(acks.filter((x) => !x.ok && x.error.code === 'rate_limited')).toHaveLength(4);
      a.close();
      b.close();
    } finally {
      await limited.close();
    }
  }, 60_000);

  it('holds the block guarantee under racing sends through both processes, round after round', async () => {
    for (let round = 0; round < 8; round++) {
      const first = await connectVisitor(cluster.nodes[0].url);
      const tabs: Visitor[] = [first];
      for (let i = 0; i < 5; i++) tabs.push(await connectVisitor(cluster.nodes[i % 2].url, { visitorToken: first.session.visitorToken }));
      const id = first.session.contact.id;
      let blockAnswered = false;
      let stop = false;
      const outcomes: { ok: boolean; afterBlock: boolean; code?: string; id?: string }[] = [];
      const pumps = tabs.map(async (tab, t) => {
        for (let n = 0; !stop; n++) {
          const afterBlock = blockAnswered;
          const ack = await tab.send(`r${round}-t${t}-${n}`);
          outcomes.push({ ok: ack.ok, afterBlock, code: ack.ok ? undefined : ack.error.code, id: ack.ok ? ack.message.id : undefined });
          if (outcomes.filter((o) => o.afterBlock).length >= 30) stop = true;
        }
      });
      while (outcomes.length < 30) await new Promise((r) => setTimeout(r, 1));
      // Alternate which process receives the block.
      expect((await blockContact(api(round % 2), id)).status).toBe(200);
      blockAnswered = true;
      await Promise.all(pumps);

      const late = outcomes.filter((o) => o.afterBlock);
      expect(late.filter((o) => o.ok || o.code !== 'contact_blocked')).toEqual([]);
      const okIds = outcomes.filter((o) => o.ok).map((o) => o.id);
      const history = await first.history(null);
      if (!history.ok) throw new Error('history failed');
      expect(history.messages.map((m) => m.id).sort()).toEqual(okIds.sort());
      for (const tab of tabs) tab.close();
    }
  }, 120_000);
});
