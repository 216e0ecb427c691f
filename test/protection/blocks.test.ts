import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_RATE_LIMITS } from '../../server/guard/rate-limits.js';
import { http, unblockContact } from '../support/api.js';
import { startServer, type TestServer } from '../support/server.js';
import { connectVisitor } from '../support/visitor.js';
import { startReceiver } from '../support/webhook-receiver.js';
import { saveRule } from './support.js';

let server: TestServer;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
beforeAll(async () => {
  server = await startServer({
    rateLimits: { ...NO_RATE_LIMITS, sendPerConnection: { points: 2, seconds: 60 } },
    webhookDelivery: { maxAttempts: 3, retryBaseMs: 100, pollMs: 50 },
    webhooksAllowPrivate: true,
  });
  receiver = await startReceiver();
  expect((await http(server, 'POST', '/v2/webhooks', { body: { name: 'blocks', url: receiver.url, topics: ['contact.blocked'] } })).status).toBe(201);
});
afterAll(async () => {
  await receiver.close();
  await server.close();
});

describe('a rule that blocks', () => {
  it('blocks a visitor who keeps hitting the send limit, for the rule\'s time, then lets it write again', async () => {
    const rule = await saveRule(server, { name: 'limit abuse', conditions: [{ type: 'rateLimitHits', count: 3, windowSeconds: 600 }], action: { type: 'temporary_block', seconds: 2 } });
    const v = await connectVisitor(server.url);
    const blocked = v.next('contact:blocked');
    const acks = [];
    for (let i = 0; i < 5; i++) acks.push(await v.send(`fast ${i}`));
    expect(acks.map((a) => (a.ok ? 'ok' : a.error.code))).toEqual(['ok', 'ok', 'rate_limited', 'rate_limited', 'rate_limited']);
    const push = await blocked;
    expect(push.blockedUntil).toEqual(expect.any(String));
    const history = await http(server, 'GET', `/v2/contacts/${v.session.contact.id}/blocks`);
    expect(history.json.data).toMatchObject([{ action: 'block', actorType: 'rule', actorId: rule.id, reason: expect.stringContaining('limit abuse') }]);
    const hook = await receiver.next((h) => h.body.topic === 'contact.blocked' && h.body.data.item.id === v.session.contact.id);
    expect(hook.body.data.item.block).toMatchObject({ actor: { type: 'rule', id: rule.id }, automatic: { kind: 'rule', ruleId: rule.id, ruleName: 'limit abuse' } });
    const audit = await http(server, 'GET', '/v2/audit-logs?action=security.user_banned&limit=5');
    expect(audit.json.data[0]).toMatchObject({ resource: { id: v.session.contact.id }, metadata: { rule: { id: rule.id } } });
    // The block ends on time: the tab is told, and a new tab (fresh per-connection limit) writes.
    await v.next('contact:unblocked');
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(push.blockedUntil!));
    const tab = await connectVisitor(server.url, { visitorToken: v.session.visitorToken });
    expect(tab.session.contact.blocked).toBe(false);
    expect(await tab.send('calm now')).toMatchObject({ ok: true });
    await http(server, 'DELETE', `/v2/protection/rules/${rule.id}`);
    v.close();
    tab.close();
  });

  it('refuses the message that fires a block, and one unblock reverses it', async () => {
    const rule = await saveRule(server, { name: 'no casinos', conditions: [{ type: 'words', words: ['casino'] }, { type: 'contactType', contactType: 'lead' }], action: { type: 'block' } });
    const v = await connectVisitor(server.url);
    expect(await v.send('hello')).toMatchObject({ ok: true });
    const blocked = v.next('contact:blocked');
    expect(await v.send('Visit my CASINO!')).toMatchObject({ ok: false, error: { code: 'contact_blocked' } });
    expect((await blocked).blockedUntil).toBeUndefined();
    // (Each tab may send 2 messages a minute here: the next sends go from a second tab.)
    const tab = await connectVisitor(server.url, { visitorToken: v.session.visitorToken });
    expect(tab.session.contact.blocked).toBe(true);
    expect(await tab.send('please')).toMatchObject({ ok: false, error: { code: 'contact_blocked' } });
    // "casinos" is another word: the whole-word list does not match it.
    const w = await connectVisitor(server.url);
    expect(await w.send('casinos are boring')).toMatchObject({ ok: true });
    w.close();
    // One click: the usual unblock. The rule stays, and a clean message goes through.
    const unblocked = v.next('contact:unblocked');
    expect((await unblockContact(server, v.session.contact.id)).status).toBe(200);
    await unblocked;
    expect(await tab.send('sorry')).toMatchObject({ ok: true });
    const history = await tab.history(null);
    expect(history.ok && history.messages.map((m) => m.body)).toEqual(['hello', 'sorry']);
    await http(server, 'DELETE', `/v2/protection/rules/${rule.id}`);
    v.close();
    tab.close();
  });
});
