import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sdk } from '../support/api.js';
import { startServer, type TestServer } from '../support/server.js';
import { connectVisitor } from '../support/visitor.js';

let server: TestServer;
let fb: ReturnType<typeof sdk>;
beforeAll(async () => {
  server = await startServer();
  fb = sdk(server);
});
afterAll(() => server.close());

describe('contacts through the featurebase-node SDK', () => {
  it('creates a contact (201 semantics) and updates it by userId, then by email', async () => {
    const created = await fb.users.contacts.createOrUpdate({ userId: 'user-1', email: 'ada@example.com', name: 'Ada' });
    expect(created).toMatchObject({ object: 'contact', type: 'customer', userId: 'user-1', email: 'ada@example.com', name: 'Ada', blocked: false });
    expect(created!.id).toMatch(/^[0-9a-f]{24}$/);
    const updated = await fb.users.contacts.createOrUpdate({ userId: 'user-1', name: 'Ada L.' });
    expect(updated!.id).toBe(created!.id);
    expect(updated!.name).toBe('Ada L.');
    const byEmail = await fb.users.contacts.createOrUpdate({ email: 'ada@example.com', customFields: { plan: 'pro' } });
    expect(byEmail!.id).toBe(created!.id);
    expect(byEmail!.customFields).toEqual({ plan: 'pro' });
  });

  it('answers 201 on create and 200 on update', async () => {
    const first = await fb.users.contacts.createOrUpdate({ email: 'status@example.com' }).asResponse();
    expect(first.status).toBe(201);
    const second = await fb.users.contacts.createOrUpdate({ email: 'status@example.com', name: 'S' }).asResponse();
    expect(second.status).toBe(200);
  });

  it('retrieves a contact and answers 404 for a well-formed unknown id and 400 for a malformed one', async () => {
    const c = await fb.users.contacts.createOrUpdate({ email: 'get@example.com' });
    expect((await fb.users.contacts.retrieve(c!.id))!.email).toBe('get@example.com');
    await expect(fb.users.contacts.retrieve('0123456789abcdef01234567')).rejects.toMatchObject({ status: 404, error: { code: 'contact_not_found' } });
    await expect(fb.users.contacts.retrieve('not-an-id')).rejects.toMatchObject({ status: 400, error: { code: 'invalid_id' } });
  });

  it('lists customers by default and leads or all on request, with cursor pagination', async () => {
    const lead = await connectVisitor(server.url);
    lead.close();
    for (let i = 0; i < 3; i++) await fb.users.contacts.createOrUpdate({ userId: `page-${i}` });
    const customers = [];
    for await (const c of fb.users.contacts.list({ limit: 2 })) customers.push(c);
    expect(customers.every((c) => c!.type === 'customer')).toBe(true);
    expect(new Set(customers.map((c) => c!.id)).size).toBe(customers.length);
    expect(customers.length).toBeGreaterThanOrEqual(3);
    const firstPage = await fb.users.contacts.list({ limit: 2 });
    expect(firstPage.data).toHaveLength(2);
    expect(firstPage.nextCursor).toEqual(expect.any(String));
    const leads = await fb.users.contacts.list({ contactType: 'lead', limit: 100 });
    expect(leads.data.map((c) => c!.id)).toContain(lead.session.contact.id);
    const all = await fb.users.contacts.list({ contactType: 'all', limit: 100 });
    expect(all.data.length).toBe(customers.length + leads.data.length);
  });

  it('deletes a contact, then answers 404 for it', async () => {
    const c = await fb.users.contacts.createOrUpdate({ email: 'gone@example.com' });
    expect(await fb.users.contacts.delete(c!.id)).toEqual({ id: c!.id, object: 'contact', deleted: true });
    await expect(fb.users.contacts.retrieve(c!.id)).rejects.toMatchObject({ status: 404 });
    await expect(fb.users.contacts.delete(c!.id)).rejects.toMatchObject({ status: 404 });
  });
});

describe('block and unblock', () => {
  it('blocks and unblocks a customer, idempotently, with the documented answers', async () => {
    const c = await fb.users.contacts.createOrUpdate({ userId: 'blocky' });
    expect(await fb.users.contacts.block(c!.id)).toEqual({ id: c!.id, object: 'contact', blocked: true });
    expect(await fb.users.contacts.block(c!.id)).toEqual({ id: c!.id, object: 'contact', blocked: true });
    const blocked = await fb.users.contacts.retrieve(c!.id);
    expect(blocked).toMatchObject({ blocked: true, blockedAt: expect.any(String) });
    expect(await fb.users.contacts.unblock(c!.id)).toEqual({ id: c!.id, object: 'contact', unblocked: true });
    expect(await fb.users.contacts.unblock(c!.id)).toEqual({ id: c!.id, object: 'contact', unblocked: true });
    expect(await fb.users.contacts.retrieve(c!.id)).toMatchObject({ blocked: false, blockedAt: null });
  });

  it('blocks a lead the same way', async () => {
    const v = await connectVisitor(server.url);
    const id = v.session.contact.id;
    expect(await fb.users.contacts.block(id)).toEqual({ id, object: 'contact', blocked: true });
    expect((await fb.users.contacts.retrieve(id))!.type).toBe('lead');
    v.close();
  });

  it('records who blocked, when and why, once per change', async () => {
    const c = await fb.users.contacts.createOrUpdate({ userId: 'audited' });
    await fb.post(`/v2/contacts/${c!.id}/block`, { body: { reason: 'abusive language' } });
    await fb.users.contacts.block(c!.id);
    await fb.users.contacts.unblock(c!.id);
    const history = (await fb.get(`/v2/contacts/${c!.id}/blocks`)) as { data: { action: string; actorType: string; reason: string | null; createdAt: string }[] };
    expect(history.data.map((e) => [e.action, e.actorType, e.reason])).toEqual([['block', 'api', 'abusive language'], ['unblock', 'api', null]]);
    expect(history.data.every((e) => !Number.isNaN(Date.parse(e.createdAt)))).toBe(true);
  });

  it('answers 400 for a malformed id and 404 for an unknown one, changing nothing', async () => {
    await expect(fb.users.contacts.block('123')).rejects.toMatchObject({ status: 400, error: { code: 'invalid_id' } });
    await expect(fb.users.contacts.block('ABCDEF0123456789ABCDEF01')).rejects.toMatchObject({ status: 400 });
    await expect(fb.users.contacts.unblock('fedcba9876543210fedcba98')).rejects.toMatchObject({ status: 404, error: { code: 'contact_not_found' } });
  });
});

describe('auth and versions', () => {
  it('answers 401 without or with a wrong API key', async () => {
    const c = await fb.users.contacts.createOrUpdate({ userId: 'auth-check' });
    await expect(sdk(server, { apiKey: 'wrong' }).users.contacts.block(c!.id)).rejects.toMatchObject({ status: 401, error: { code: 'unauthorized' } });
    const res = await fetch(`${server.url}/v2/contacts/${c!.id}/block`, { method: 'POST' });
    expect(res.status).toBe(401);
    expect(await fb.users.contacts.retrieve(c!.id)).toMatchObject({ blocked: false });
  });

  it('accepts nova explicitly, refuses clover for nova-only endpoints with the version named, and changes nothing', async () => {
    const c = await fb.users.contacts.createOrUpdate({ userId: 'versioned' });
    expect(await fb.users.contacts.block(c!.id, { 'Featurebase-Version': '2026-01-01.nova' })).toMatchObject({ blocked: true });
    await fb.users.contacts.unblock(c!.id);
    const err = await fb.users.contacts.block(c!.id, { 'Featurebase-Version': '2025-12-12.clover' }).catch((e) => e);
    expect(err).toMatchObject({ status: 400, error: { code: 'version_not_available' } });
    expect(err.error.message).toContain('2026-01-01.nova');
    expect(await fb.users.contacts.retrieve(c!.id)).toMatchObject({ blocked: false });
  });

  it('answers 400 for an unknown version', async () => {
    const c = await fb.users.contacts.createOrUpdate({ userId: 'badversion' });
    const bad = sdk(server, { version: '2024-01-01.beta' });
    await expect(bad.users.contacts.block(c!.id)).rejects.toMatchObject({ status: 400, error: { code: 'unsupported_version' } });
  });

  it('uses the organisation default version when the header is absent', async () => {
    const clover = await startServer({ defaultVersion: '2025-12-12.clover' });
    try {
      const client = sdk(clover);
      await expect(client.users.contacts.list()).rejects.toMatchObject({ status: 400, error: { code: 'version_not_available' } });
      expect((await client.users.contacts.list({ 'Featurebase-Version': '2026-01-01.nova' })).data).toEqual([]);
      // Conversations are available in both versions.
      expect((await client.support.conversations.list()).data).toEqual([]);
    } finally {
      await clover.close();
    }
  });
});
