import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, signIn } from '../support/agent.js';
import { blockContact, http, sdk, unblockContact } from '../support/api.js';
import { startServer, type TestServer } from '../support/server.js';
import { connectVisitor } from '../support/visitor.js';

let server: TestServer;
let fb: ReturnType<typeof sdk>;
beforeAll(async () => {
  server = await startServer();
  fb = sdk(server);
});
afterAll(() => server.close());

// Parley's own action names are Featurebase's; the SDK types them, so filtering is typed too.
const list = async (params: Parameters<typeof fb.auditLogs.list>[0] = {}) => (await fb.auditLogs.list({ limit: 100, ...params })).data;

describe('GET /v2/audit-logs', () => {
  it('records blocks and unblocks through the API with actor, target, time, reason and request', async () => {
    const v = await connectVisitor(server.url, { name: 'Spammy' });
    const id = v.session.contact.id;
    await blockContact(server, id, 'links to malware');
    await blockContact(server, id, 'again'); // idempotent: nothing new to record
    await unblockContact(server, id);
    v.close();

    const banned = (await list({ action: 'security.user_banned' })).filter((e) => e.resource.id === id);
    expect(banned).toHaveLength(1);
    expect(banned[0]).toMatchObject({
      object: 'audit_log',
      action: 'security.user_banned',
      domain: 'security',
      description: 'Contact Spammy blocked',
      actor: { type: 'api_key', id: null, apiKey: { id: 'default', name: 'PARLEY_API_KEY' } },
      resource: { type: 'contact', id, name: 'Spammy' },
      request: { ipAddress: '127.0.0.1', userAgent: expect.any(String) },
      metadata: { reason: 'links to malware', scope: 'contact', blockedUntil: null },
      correlationId: null,
    });
    expect(Date.now() - Date.parse(banned[0].createdAt)).toBeLessThan(60_000);
    const unbanned = (await list({ action: 'security.user_unbanned' })).filter((e) => e.resource.id === id);
    expect(unbanned).toHaveLength(1);
  });

  it('records blocks by a console agent as that agent', async () => {
    const admin = await createAgent(server, 'boss@example.com', 'admin', 'Boss');
    const v = await connectVisitor(server.url);
    await server.parley.core.agents.block(admin, v.session.contact.id, 'rude');
    v.close();
    const [entry] = (await list({ action: 'security.user_banned' })).filter((e) => e.resource.id === v.session.contact.id);
    expect(entry.actor).toMatchObject({ type: 'admin', id: admin.id, email: 'boss@example.com', name: 'Boss', apiKey: null });
    expect(entry.metadata).toMatchObject({ reason: 'rude' });
  });

  it('records console sign-ins and failed sign-ins', async () => {
    const agent = await createAgent(server, 'ann@example.com', 'agent', 'Ann');
    expect((await signIn(server, 'ann@example.com')).status).toBe(200);
    expect((await signIn(server, 'ann@example.com', 'wrong password!')).status).toBe(401);
    const [login] = await list({ action: 'auth.login' });
    expect(login).toMatchObject({ domain: 'authentication', actor: { type: 'admin', id: agent.id, email: 'ann@example.com' }, request: { ipAddress: '127.0.0.1' } });
    const [failed] = await list({ action: 'auth.login_failed' });
    expect(failed).toMatchObject({ actor: { type: 'system' }, resource: { type: 'admin', id: null, name: 'ann@example.com' } });
  });

  it('records webhook creation, changes and deletion (never the secret or header values)', async () => {
    const hook = await fb.webhooks.create({ name: 'crm', url: 'https://example.com/hook', topics: ['conversation.user.created'], requestConfig: { headers: { 'X-Token': 'sekrit' } } });
    await fb.webhooks.update(hook.id, { status: 'paused', requestConfig: { headers: { 'X-Token': 'sekrit2' } } });
    await fb.webhooks.refreshSecret(hook.id);
    await fb.webhooks.delete(hook.id);
    const entries = (await list({ domain: 'integrations' })).filter((e) => e.resource.id === hook.id);
    expect(entries.map((e) => e.action)).toEqual(['webhook.deleted', 'webhook.secret_rotated', 'webhook.updated', 'webhook.created']);
    expect(entries.find((e) => e.action === 'webhook.updated')!.metadata).toMatchObject({
      changes: expect.arrayContaining([{ field: 'status', oldValue: 'active', newValue: 'paused' }]),
    });
    const text = JSON.stringify(entries);
    expect(text).not.toContain('sekrit');
    expect(text).not.toContain(hook.secret);
  });

  it('pages newest first, filters by date, and refuses bad filters', async () => {
    const first = await fb.auditLogs.list({ limit: 2 });
    expect(first.data).toHaveLength(2);
    expect(Date.parse(first.data[0].createdAt)).toBeGreaterThanOrEqual(Date.parse(first.data[1].createdAt));
    const ids: string[] = [];
    for await (const e of fb.auditLogs.list({ limit: 3 })) ids.push(e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe((await list()).length);
    expect(await list({ startDate: new Date(Date.now() + 3_600_000).toISOString() })).toEqual([]);
    expect((await list({ endDate: new Date(Date.now() + 3_600_000).toISOString() })).length).toBe(ids.length);
    for (const q of ['startDate=yesterday', 'action=DROP%20TABLE', 'limit=0']) {
      const res = await http(server, 'GET', `/v2/audit-logs?${q}`);
      expect(res.status, q).toBe(400);
      expect(res.json.code).toBe('invalid_payload');
    }
    expect((await http(server, 'GET', '/v2/audit-logs', { auth: false })).status).toBe(401);
  });
});
