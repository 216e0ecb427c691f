import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_BLOCK_POLICY } from '../../server/core/contacts.js';
import { http, sdk } from '../support/api.js';
import { expectSdkShape, SdkContact } from '../support/sdk-contact-types.js';
import { startServer, type TestServer } from '../support/server.js';
import { connectVisitor, type Visitor } from '../support/visitor.js';
import { startReceiver } from '../support/webhook-receiver.js';

// Each process looks for ended blocks every 50 ms here (PARLEY_BLOCK_EXPIRY_POLL_MS).
const FAST = {
  blockPolicy: { ...DEFAULT_BLOCK_POLICY, expiryPollMs: 50 },
  webhookDelivery: { maxAttempts: 3, retryBaseMs: 100, pollMs: 50 },
  webhooksAllowPrivate: true,
};

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
async function server(overrides: Parameters<typeof startServer>[0] = {}) {
  const s = await startServer({ ...FAST, ...overrides });
  cleanups.push(() => s.close());
  return s;
}
async function receiver(s: TestServer) {
  const r = await startReceiver();
  cleanups.push(() => r.close());
  await sdk(s).webhooks.create({ name: 'blocks', url: r.url, topics: ['contact.blocked', 'contact.unblocked'] as never });
  return r;
}
async function tab(s: TestServer, visitorToken?: string): Promise<Visitor> {
  const v = await connectVisitor(s.url, visitorToken ? { visitorToken } : {});
  cleanups.push(() => v.close());
  return v;
}
const block = (s: TestServer, id: string, expiresAt: string | null) => http(s, 'POST', `/v2/contacts/${id}/block`, { body: { expiresAt } });
const soon = (ms: number) => new Date(Date.now() + ms).toISOString();
const auditFor = async (s: TestServer, id: string, action: 'security.user_banned' | 'security.user_unbanned') =>
  (await sdk(s).auditLogs.list({ action, limit: 100 })).data.filter((e) => e.resource.id === id);

describe('the end of a temporary block', () => {
  it('is recorded once: no past dates, one contact.unblocked webhook, one audit entry, one push to every tab', async () => {
    const s = await server();
    const hooks = await receiver(s);
    const first = await tab(s);
    const second = await tab(s, first.session.visitorToken);
    const id = first.session.contact.id;
    const unblockedPushes = [0, 0];
    [first, second].forEach((t, i) => t.socket.on('contact:unblocked', () => unblockedPushes[i]++));
    const ended = Promise.all([first.next('contact:unblocked'), second.next('contact:unblocked')]);

    expect((await block(s, id, soon(1000))).status).toBe(200);
    expect(await ended).toEqual([{ contactId: id }, { contactId: id }]);

    const after = expectSdkShape(SdkContact, await sdk(s).users.contacts.retrieve(id));
    expect(after).toMatchObject({ blocked: false, blockedAt: null, blockedUntil: null });
    const hook = await hooks.next((h) => h.body.topic === 'contact.unblocked');
    expect(hook.body.data.item).toMatchObject({ id, blocked: false, blockedUntil: null, block: { action: 'unblock', actor: { type: 'system', id: null } } });
    expect(await auditFor(s, id, 'security.user_unbanned')).toMatchObject([{ actor: { type: 'system' }, metadata: { reason: expect.stringContaining('temporary block ended') } }]);
    const history = (await http(s, 'GET', `/v2/contacts/${id}/blocks`)).json.data;
    expect(history.map((e: any) => [e.action, e.actorType])).toEqual([['block', 'api'], ['unblock', 'system']]);
    expect((await first.send('free again')).ok).toBe(true);

    // Exactly once: a later block reaches the tabs after anything the end could still have sent.
    const reblocked = Promise.all([first.next('contact:blocked'), second.next('contact:blocked')]);
    await block(s, id, null);
    await reblocked;
    await hooks.next((h) => h.body.topic === 'contact.blocked' && h.body.data.item.blockedUntil === null);
    expect(unblockedPushes).toEqual([1, 1]);
    expect(hooks.received.filter((h) => h.body.topic === 'contact.unblocked')).toHaveLength(1);
  });

  it('is announced by another process when the one that set the block has stopped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-expiry-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const shared = { databaseUrl: join(dir, 'parley.db'), secret: randomBytes(32).toString('hex') };
    const a = await startServer({ ...FAST, ...shared });
    const hooks = await receiver(a);
    const lead = await connectVisitor(a.url);
    const id = lead.session.contact.id;
    expect((await block(a, id, soon(1000))).status).toBe(200);
    lead.close();
    await a.close();

    const b = await server({ ...shared, apiKey: a.apiKey });
    const hook = await hooks.next((h) => h.body.topic === 'contact.unblocked', 10_000);
    expect(hook.body.data.item).toMatchObject({ id, blocked: false });
    expect(await sdk(b).users.contacts.retrieve(id)).toMatchObject({ blocked: false, blockedUntil: null });
    expect(await auditFor(b, id, 'security.user_unbanned')).toHaveLength(1);
  });
});

describe('changing only the expiry of a block', () => {
  it('pushes the new end to every tab and audits it, without a new block event or webhook', async () => {
    const s = await server();
    const hooks = await receiver(s);
    const v = await tab(s);
    const id = v.session.contact.id;
    const firstEnd = soon(3_600_000);
    const pushed = v.next('contact:blocked');
    await block(s, id, firstEnd);
    expect(await pushed).toEqual({ contactId: id, blockedUntil: firstEnd });

    const laterEnd = soon(7_200_000);
    const moved = v.next('contact:blocked');
    await block(s, id, laterEnd);
    expect(await moved).toEqual({ contactId: id, blockedUntil: laterEnd });
    const permanent = v.next('contact:blocked');
    await block(s, id, null);
    expect(await permanent).toEqual({ contactId: id });

    const banned = await auditFor(s, id, 'security.user_banned');
    expect(banned.map((e) => [e.metadata.blockedUntil, e.metadata.expiryChanged])).toEqual([[null, true], [laterEnd, true], [firstEnd, undefined]]);
    expect(banned[0].description).toContain('block now ends never');
    expect((await http(s, 'GET', `/v2/contacts/${id}/blocks`)).json.data).toHaveLength(1);
    // A block that only changed its end is not a new block for webhooks.
    await hooks.next((h) => h.body.topic === 'contact.blocked');
    const unblocked = v.next('contact:unblocked');
    await http(s, 'POST', `/v2/contacts/${id}/unblock`);
    await unblocked;
    await hooks.next((h) => h.body.topic === 'contact.unblocked');
    expect(hooks.received.filter((h) => h.body.topic === 'contact.blocked')).toHaveLength(1);
  });
});
