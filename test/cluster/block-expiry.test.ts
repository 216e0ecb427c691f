import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { http, sdk } from '../support/api.js';
import { clusterPerFile } from '../support/cluster.js';
import { DATABASE_URL } from '../support/services.js';
import { connectVisitor } from '../support/visitor.js';
import { startReceiver } from '../support/webhook-receiver.js';

// Both processes look for ended blocks every 20 ms: they race for every one.
const t = await clusterPerFile('block expiry cluster tests', 2, { PARLEY_BLOCK_EXPIRY_POLL_MS: '20', PARLEY_WEBHOOK_POLL_MS: '50', PARLEY_WEBHOOKS_ALLOW_PRIVATE: 'true' });

describe.skipIf(!t.ready)('temporary blocks ending with two Parley processes', () => {
  it('records each end once, whichever process claims it, and tells the tabs on both processes', async () => {
    const r = await startReceiver();
    await sdk(t.api(0)).webhooks.create({ name: 'expiry', url: r.url, topics: ['contact.blocked', 'contact.unblocked'] as never });
    const tabA = await connectVisitor(t.cluster.nodes[0].url);
    const tabB = await connectVisitor(t.cluster.nodes[1].url, { visitorToken: tabA.session.visitorToken });
    const id = tabA.session.contact.id;
    const pushes = [0, 0];
    [tabA, tabB].forEach((tab, i) => tab.socket.on('contact:unblocked', () => pushes[i]++));
    // A few more contacts whose blocks end together, so both processes find work at once.
    const others = await Promise.all([1, 2, 3, 4].map((n) => sdk(t.api(n % 2)).users.contacts.createOrUpdate({ userId: `expiring-${n}` })));
    const all = [id, ...others.map((c) => c!.id)];
    const ended = Promise.all([tabA.next('contact:unblocked'), tabB.next('contact:unblocked')]);
    const until = new Date(Date.now() + 3000).toISOString();
    for (const [n, contactId] of all.entries()) {
      expect((await http(t.api(n % 2), 'POST', `/v2/contacts/${contactId}/block`, { body: { expiresAt: until } })).status).toBe(200);
    }
    await ended;
    for (const contactId of all) await r.next((h) => h.body.topic === 'contact.unblocked' && h.body.data.item.id === contactId);

    // Then a new block: it reaches both tabs after anything the end could still have pushed.
    const reblocked = Promise.all([tabA.next('contact:blocked'), tabB.next('contact:blocked')]);
    await http(t.api(1), 'POST', `/v2/contacts/${id}/block`);
    await reblocked;
    expect(pushes).toEqual([1, 1]);

    const db = new pg.Client({ connectionString: DATABASE_URL, options: `-c search_path=${t.cluster.schema}` });
    await db.connect();
    try {
      const count = async (q: string) => Number((await db.query(q)).rows[0].n);
      expect(await count(`SELECT count(*) AS n FROM block_events WHERE action = 'unblock'`)).toBe(5);
      expect(await count(`SELECT count(*) AS n FROM webhook_deliveries WHERE topic = 'contact.unblocked'`)).toBe(5);
      expect(await count(`SELECT count(*) AS n FROM audit_logs WHERE action = 'security.user_unbanned'`)).toBe(5);
    } finally {
      await db.end();
    }
    tabA.close();
    tabB.close();
    await r.close();
  });
});
