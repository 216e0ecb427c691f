import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { blockContact, http, newAdmin, sdk, unblockContact } from '../support/api.js';
import { startServer, type TestServer } from '../support/server.js';
import { connectVisitor, type Visitor } from '../support/visitor.js';
import { startReceiver, type ReceivedHook } from '../support/webhook-receiver.js';

/** What a receiver does: HMAC-SHA256 of `${timestamp}.${rawBody}`, hex, constant-time compare. */
function verify(hook: ReceivedHook, secret: string): boolean {
  const timestamp = String(hook.headers['x-webhook-timestamp']);
  const expected = createHmac('sha256', secret).update(`${timestamp}.${hook.raw}`).digest('hex');
  const given = String(hook.headers['x-webhook-signature']);
  return given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}

const FAST = { maxAttempts: 3, retryBaseMs: 100, pollMs: 50 };
// The receivers listen on 127.0.0.1, which webhooks may only reach with this development setting.
const LOCAL = { webhooksAllowPrivate: true };

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
async function server(overrides: Parameters<typeof startServer>[0] = {}): Promise<TestServer> {
  const s = await startServer({ webhookDelivery: FAST, ...LOCAL, ...overrides });
  cleanups.push(() => s.close());
  return s;
}
async function receiver(...args: Parameters<typeof startReceiver>) {
  const r = await startReceiver(...args);
  cleanups.push(() => r.close());
  return r;
}
async function visitor(s: TestServer): Promise<Visitor> {
  const v = await connectVisitor(s.url);
  cleanups.push(() => v.close());
  return v;
}
// Parley adds contact.* topics to Featurebase's list; the SDK's type only knows its own.
const topics = (...t: string[]) => t as any;

describe('/v2/webhooks through the featurebase-node SDK', () => {
  it('creates, retrieves, lists, updates, refreshes the secret of and deletes a webhook', async () => {
    const s = await server();
    const fb = sdk(s);
    const created = await fb.webhooks.create({
      name: 'Moderation', url: 'https://example.com/hooks', topics: topics('contact.blocked', 'conversation.user.created'),
      description: 'blocks to our CRM', requestConfig: { headers: { 'X-Custom': 'yes' } },
    });
    expect(created).toMatchObject({
      object: 'webhook', name: 'Moderation', url: 'https://example.com/hooks', description: 'blocks to our CRM',
      topics: ['contact.blocked', 'conversation.user.created'], status: 'active',
      requestConfig: { timeoutMs: 5000, headers: { 'X-Custom': 'yes' } }, lastStatus: null,
      health: { consecutiveFailures: 0, errorsSinceLastSuccess: 0 },
    });
    expect(created.id).toMatch(/^[0-9a-f]{24}$/);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9_-]{32}$/);

    expect(await fb.webhooks.retrieve(created.id)).toMatchObject({ id: created.id, secret: created.secret });
    const second = await fb.webhooks.create({ name: 'Other', url: 'http://127.0.0.1:9/x', topics: ['conversation.admin.replied'] });

    const page = await fb.webhooks.list({ limit: 1 });
    expect(page.data.map((w) => w.id)).toEqual([second.id]);
    const all: string[] = [];
    for await (const w of fb.webhooks.list({ limit: 1 })) all.push(w.id);
    expect(all).toEqual([second.id, created.id]);

    const paused = await fb.webhooks.update(created.id, { status: 'paused', topics: topics('contact.unblocked'), description: null });
    expect(paused).toMatchObject({ status: 'paused', topics: ['contact.unblocked'], description: null, name: 'Moderation' });
    expect((await fb.webhooks.list({ status: 'paused' })).data.map((w) => w.id)).toEqual([created.id]);

    const rotated = await fb.webhooks.refreshSecret(created.id);
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(created.secret);

    expect(await fb.webhooks.delete(created.id)).toEqual({ id: created.id, object: 'webhook', deleted: true });
    await expect(fb.webhooks.retrieve(created.id)).rejects.toMatchObject({ status: 404, error: { code: 'webhook_not_found' } });
    await expect(fb.webhooks.delete(created.id)).rejects.toMatchObject({ status: 404 });
    await expect(fb.webhooks.retrieve('nope')).rejects.toMatchObject({ status: 400, error: { code: 'invalid_id' } });
  });

  it('refuses non-http(s) URLs, unknown topics, bad request configs and the clover version', async () => {
    const s = await server();
    const bad = [
      { name: 'x', url: 'ftp://example.com/hooks', topics: ['contact.blocked'] },
      { name: 'x', url: 'file:///etc/passwd', topics: ['contact.blocked'] },
      { name: 'x', url: 'not a url', topics: ['contact.blocked'] },
      { name: 'x', url: 'https://example.com', topics: ['post.created'] },
      { name: 'x', url: 'https://example.com', topics: [] },
      { name: '', url: 'https://example.com', topics: ['contact.blocked'] },
      { name: 'x', url: 'https://example.com', topics: ['contact.blocked'], requestConfig: { headers: { 'Bad Header': 'x' } } },
      { name: 'x', url: 'https://example.com', topics: ['contact.blocked'], requestConfig: { timeoutMs: 60_000 } },
    ];
    for (const body of bad) {
      const res = await http(s, 'POST', '/v2/webhooks', { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.code).toBe('invalid_payload');
    }
    const clover = await http(s, 'GET', '/v2/webhooks', { headers: { 'featurebase-version': '2025-12-12.clover' } });
    expect(clover.json.code).toBe('version_not_available');
    expect((await sdk(s).webhooks.list()).data).toEqual([]);
  });
});

describe('webhook delivery', () => {
  it('POSTs signed JSON for contact.blocked and contact.unblocked that a receiver can verify', async () => {
    const s = await server();
    const r = await receiver();
    const hook = await sdk(s).webhooks.create({ name: 'blocks', url: r.url, topics: topics('contact.blocked', 'contact.unblocked') });
    const v = await visitor(s);
    const id = v.session.contact.id;
    await blockContact(s, id, 'spam');
    const blocked = await r.next((h) => h.body.topic === 'contact.blocked');
    expect(verify(blocked, hook.secret)).toBe(true);
    expect(verify({ ...blocked, raw: blocked.raw.replace('spam', 'spa m') }, hook.secret)).toBe(false);
    expect(Math.abs(Number(blocked.headers['x-webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(30);
    expect(blocked.headers['content-type']).toBe('application/json');
    expect(blocked.body).toMatchObject({
      object: 'notification_event',
      id: expect.stringMatching(/^notif_/),
      topic: 'contact.blocked',
      data: {
        type: 'notification_event_data',
        item: { object: 'contact', id, blocked: true, block: { action: 'block', reason: 'spam', actor: { type: 'api' }, scope: 'contact' } },
      },
    });
    await unblockContact(s, id);
    const unblocked = await r.next((h) => h.body.topic === 'contact.unblocked');
    expect(verify(unblocked, hook.secret)).toBe(true);
    expect(unblocked.body.data.item).toMatchObject({ id, blocked: false, block: { action: 'unblock' } });
  });

  it('delivers the conversation topics: user created and replied, admin replied, noted, closed, reopened, assigned, deleted', async () => {
    const s = await server();
    const r = await receiver();
    await sdk(s).webhooks.create({
      name: 'conversations', url: r.url,
      topics: ['conversation.user.created', 'conversation.user.replied', 'conversation.admin.replied', 'conversation.admin.noted',
        'conversation.admin.closed', 'conversation.admin.opened', 'conversation.admin.assigned', 'conversation.deleted'],
    });
    const v = await visitor(s);
    const first = await v.send('hello there');
    if (!first.ok) throw new Error('send failed');
    const conversationId = first.message.conversationId;
    const created = await r.next((h) => h.body.topic === 'conversation.user.created');
    expect(created.body.data.item).toMatchObject({ object: 'conversation', id: conversationId, conversationParts: [{ bodyMarkdown: 'hello there', partType: 'user_msg' }] });
    await v.send('more');
    await r.next((h) => h.body.topic === 'conversation.user.replied');
    const fb = sdk(s);
    const adminId = await newAdmin(s);
    await fb.support.conversations.reply(conversationId, { type: 'admin', id: adminId, bodyMarkdown: 'hi!', messageType: 'reply' } as any);
    await fb.support.conversations.reply(conversationId, { type: 'admin', id: adminId, bodyMarkdown: 'vip', messageType: 'note' } as any);
    await r.next((h) => h.body.topic === 'conversation.admin.replied');
    await r.next((h) => h.body.topic === 'conversation.admin.noted');
    await fb.support.conversations.update(conversationId, { state: 'closed' } as any);
    const closed = await r.next((h) => h.body.topic === 'conversation.admin.closed');
    expect(closed.body.data.changes).toEqual([{ field: 'state', oldValue: 'open', newValue: 'closed' }]);
    await fb.support.conversations.update(conversationId, { state: 'open', adminAssigneeId: adminId } as any);
    await r.next((h) => h.body.topic === 'conversation.admin.opened');
    await r.next((h) => h.body.topic === 'conversation.admin.assigned');
    await fb.support.conversations.delete(conversationId);
    const deleted = await r.next((h) => h.body.topic === 'conversation.deleted');
    expect(deleted.body.data.item).toMatchObject({ id: conversationId, deleted: true });
    // Nothing this webhook did not subscribe to.
    expect(new Set(r.received.map((h) => h.body.topic)).has('contact.blocked')).toBe(false);
  });

  it('retries after a 500 with the same event id, then records success in the webhook health', async () => {
    const s = await server();
    const r = await receiver((_h, n) => (n === 1 ? 500 : 200));
    const hook = await sdk(s).webhooks.create({ name: 'flaky', url: r.url, topics: topics('contact.blocked') });
    const v = await visitor(s);
    await blockContact(s, v.session.contact.id);
    await r.next((h) => h.body.topic === 'contact.blocked');
    const retried = await new Promise<ReceivedHook>((resolve, reject) => {
      const timer = setInterval(() => {
        if (r.received.length >= 2) {
          clearInterval(timer);
          resolve(r.received[1]);
        }
      }, 20);
      setTimeout(() => { clearInterval(timer); reject(new Error('no retry')); }, 5000);
    });
    expect(retried.body.id).toBe(r.received[0].body.id);
    expect(retried.raw).toBe(r.received[0].raw);
    expect(verify(retried, hook.secret)).toBe(true);
    // The outcome is written right after the answer: poll the store briefly.
    let deliveries = await s.parley.store.webhooks.listDeliveries(hook.id, 10);
    for (let i = 0; i < 100 && deliveries[0]?.status !== 'delivered'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      deliveries = await s.parley.store.webhooks.listDeliveries(hook.id, 10);
    }
    expect(deliveries).toMatchObject([{ status: 'delivered', attempts: 2, lastError: null }]);
    const after = await sdk(s).webhooks.retrieve(hook.id);
    expect(after.lastStatus).toMatchObject({ code: 200 });
    expect(after.health).toMatchObject({ consecutiveFailures: 0, errorsSinceLastSuccess: 0, lastSuccessAt: expect.any(String) });
  });

  it('gives up after the configured attempts and marks the delivery failed', async () => {
    const s = await server({ webhookDelivery: { maxAttempts: 2, retryBaseMs: 50, pollMs: 50 } });
    const r = await receiver(() => 503);
    const hook = await sdk(s).webhooks.create({ name: 'down', url: r.url, topics: topics('contact.blocked') });
    const v = await visitor(s);
    await blockContact(s, v.session.contact.id);
    let deliveries = await s.parley.store.webhooks.listDeliveries(hook.id, 10);
    for (let i = 0; i < 200 && deliveries[0]?.status !== 'failed'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      deliveries = await s.parley.store.webhooks.listDeliveries(hook.id, 10);
    }
    expect(deliveries).toMatchObject([{ status: 'failed', attempts: 2, lastError: expect.stringContaining('503') }]);
    expect(r.received).toHaveLength(2);
    expect((await sdk(s).webhooks.retrieve(hook.id)).health.consecutiveFailures).toBe(2);
  });

  it('answers the block before the webhook endpoint has answered', async () => {
    const s = await server();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const r = await receiver(async () => {
      await held;
      return 200;
    });
    await sdk(s).webhooks.create({ name: 'slow', url: r.url, topics: topics('contact.blocked') });
    const v = await visitor(s);
    const res = await blockContact(s, v.session.contact.id);
    expect(res.status).toBe(200);
    // The delivery may already be waiting on the endpoint, but the block did not wait for it.
    await r.next((h) => h.body.topic === 'contact.blocked');
    release();
  });

  it('keeps a pending delivery across a restart and delivers it from the next process', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-webhook-restart-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const databaseUrl = join(dir, 'parley.db');
    let up = false;
    const r = await receiver(() => (up ? 200 : 500));
    // First process: the endpoint fails and the next attempt is an hour away when it stops.
    const first = await startServer({ databaseUrl, ...LOCAL, webhookDelivery: { maxAttempts: 5, retryBaseMs: 3_600_000, pollMs: 50 } });
    const hook = await sdk(first).webhooks.create({ name: 'restart', url: r.url, topics: topics('contact.blocked') });
    const v = await connectVisitor(first.url);
    await blockContact(first, v.session.contact.id, 'before restart');
    const original = await r.next((h) => h.body.topic === 'contact.blocked');
    let pending = await first.parley.store.webhooks.listDeliveries(hook.id, 10);
    for (let i = 0; i < 100 && !pending[0]?.lastError; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      pending = await first.parley.store.webhooks.listDeliveries(hook.id, 10);
    }
    expect(pending).toMatchObject([{ status: 'pending', attempts: 1 }]);
    v.close();
    await first.close();

    // Second process on the same database; the hour passes (fake time: the row is made due).
    up = true;
    const second = await server({ databaseUrl, apiKey: first.apiKey, secret: first.secret });
    await second.parley.store.webhooks.completeDelivery(pending[0].id, { status: 'pending', nextAttemptAt: new Date(Date.now() - 1000).toISOString(), lastError: pending[0].lastError });
    const redelivered = await r.next((h) => h !== original && h.body.id === original.body.id);
    expect(redelivered.raw).toBe(original.raw);
    expect(verify(redelivered, hook.secret)).toBe(true);
  });

  it('delivers conversation_part.redacted with the conversation and its emptied part', async () => {
    const s = await server();
    const r = await receiver();
    const fb = sdk(s);
    await fb.webhooks.create({ name: 'redactions', url: r.url, topics: ['conversation_part.redacted'] });
    const v = await visitor(s);
    const sent = await v.send('my card number is 4111 1111 1111 1111');
    if (!sent.ok) throw new Error('send failed');
    const tag = await fb.support.conversationTags.createOrRename({ name: 'pci' });
    await fb.support.conversations.attachTag(sent.message.conversationId, { tagId: tag.id, actingAdminId: await newAdmin(s) });
    await fb.support.conversations.redact({ type: 'conversation_part', conversationId: sent.message.conversationId, conversationPartId: sent.message.id });
    const hook = await r.next((h) => h.body.topic === 'conversation_part.redacted');
    expect(hook.body.data.item).toMatchObject({
      object: 'conversation', id: sent.message.conversationId, tags: [{ id: tag.id, name: 'pci', type: 'tag' }],
      conversationParts: [{ id: sent.message.id, bodyMarkdown: '', bodyHtml: '', redacted: true }],
    });
    expect(hook.raw).not.toContain('4111');
  });

  it('delivers audit_log.created (a topic of the SDK enum) for each audit entry, shaped as the audit log API answers', async () => {
    const s = await server();
    const r = await receiver();
    const fb = sdk(s);
    const hook = await fb.webhooks.create({ name: 'audit', url: r.url, topics: ['audit_log.created'] });
    const v = await visitor(s);
    await blockContact(s, v.session.contact.id, 'spam');
    const banned = await r.next((h) => h.body.topic === 'audit_log.created' && h.body.data.item.action === 'security.user_banned');
    expect(verify(banned, hook.secret)).toBe(true);
    const [entry] = (await fb.auditLogs.list({ action: 'security.user_banned' })).data;
    expect(banned.body.data.item).toEqual(entry);
    // Once nobody listens, entries fire nothing (not even later).
    await fb.webhooks.update(hook.id, { topics: topics('contact.blocked') });
    await unblockContact(s, v.session.contact.id);
    await expect.poll(() => s.parley.store.webhooks.countEvents()).toBe(0);
    const deliveries = await s.parley.store.webhooks.listDeliveries(hook.id, 100);
    expect(deliveries.map((d) => JSON.parse(d.payload).data.item.action)).not.toContain('security.user_unbanned');
    expect(deliveries.map((d) => JSON.parse(d.payload).data.item.action)).toContain('security.user_banned');
  });
});
