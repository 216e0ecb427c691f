import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http } from '../support/api.js';
import { nextEvent } from '../support/agent.js';
import { startServer, type TestServer } from '../support/server.js';
import { connectVisitor } from '../support/visitor.js';
import { startReceiver } from '../support/webhook-receiver.js';
import { listHeld, saveRule, watchingAgent } from './support.js';

let server: TestServer;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
beforeAll(async () => {
  server = await startServer({ webhookDelivery: { maxAttempts: 3, retryBaseMs: 100, pollMs: 50 }, webhooksAllowPrivate: true });
  receiver = await startReceiver();
  const hook = await http(server, 'POST', '/v2/webhooks', { body: { name: 'held', url: receiver.url, topics: ['message.held'] } });
  expect(hook.status).toBe(201);
});
afterAll(async () => {
  await receiver.close();
  await server.close();
});

describe('a rule that holds', () => {
  it('holds a flood of identical messages from the threshold on; nothing held reaches an agent, the visitor is not told', async () => {
    const rule = await saveRule(server, { name: 'flood', conditions: [{ type: 'repeated', count: 5, windowSeconds: 60 }], action: { type: 'hold' } });
    const agent = await watchingAgent(server, 'flood-admin@example.com');
    const flooder = await connectVisitor(server.url);
    const acks = [];
    for (let i = 0; i < 8; i++) acks.push(await flooder.send('WIN A PRIZE'));
    // Every send is acked as if stored: the flooder cannot tell.
    expect(acks.every((a) => a.ok && a.message.body === 'WIN A PRIZE')).toBe(true);
    // A later message of another visitor is pushed after anything the flood could have pushed.
    const other = await connectVisitor(server.url);
    const sentinel = nextEvent(agent.socket, 'message:new', (p) => p.message.body === 'sentinel');
    await other.send('sentinel');
    await sentinel;
    expect(agent.bodies).toEqual([...Array(4).fill('WIN A PRIZE'), 'sentinel']);
    const held = (await listHeld(server)).filter((h) => h.contactId === flooder.session.contact.id);
    expect(held).toHaveLength(4);
    expect(held.every((h) => h.rule.id === rule.id)).toBe(true);
    // The flooder's own history (after a reload) still shows everything it sent, in order.
    const history = await flooder.history(null);
    expect(history.ok && history.messages.map((m) => m.id)).toEqual(acks.map((a) => a.ok && a.message.id));
    // A tab resuming after the last (held) message it saw gets what came after it: nothing yet.
    const lastSeen = acks[7].ok ? acks[7].message.id : '';
    expect(await flooder.history(lastSeen)).toEqual({ ok: true, messages: [], hasMore: false });
    const hook = await receiver.next((h) => h.body.topic === 'message.held');
    expect(hook.body.data.item).toMatchObject({ object: 'held_message', bodyMarkdown: 'WIN A PRIZE', rule: { id: rule.id, name: 'flood' } });

    // Release: delivered live to agents, stored in the conversation; discard: gone for good.
    const pushed = nextEvent(agent.socket, 'message:new', (p) => p.message.author.id === flooder.session.contact.id);
    const released = await http(server, 'POST', `/v2/protection/held/${held[0].id}/release`);
    expect(released.status).toBe(200);
    expect(released.json).toMatchObject({ object: 'conversation_part', bodyMarkdown: 'WIN A PRIZE' });
    expect((await pushed).message.id).toBe(released.json.id);
    const resumed = await flooder.history(acks[7].ok ? acks[7].message.id : '');
    expect(resumed.ok && resumed.messages.map((m) => m.id)).toContain(released.json.id);
    expect((await http(server, 'DELETE', `/v2/protection/held/${held[1].id}`)).status).toBe(200);
    expect((await http(server, 'DELETE', `/v2/protection/held/${held[1].id}`)).json).toMatchObject({ code: 'held_message_not_found' });
    expect((await http(server, 'POST', `/v2/protection/held/${held[0].id}/release`)).json).toMatchObject({ code: 'held_message_not_found' });
    expect((await listHeld(server)).map((h) => h.id)).not.toContain(held[0].id);
    const audit = await http(server, 'GET', '/v2/audit-logs?domain=security&limit=20');
    expect(audit.json.data.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['protection.message_released', 'protection.message_discarded', 'protection.rule_created']));
    await http(server, 'DELETE', `/v2/protection/rules/${rule.id}`);
    for (const s of [flooder, other]) s.close();
    agent.socket.close();
  });

  it('holds link spam from a lead once the recommended set is on', async () => {
    const on = await http(server, 'POST', '/v2/protection/recommended', { body: { mode: 'enforce' } });
    expect(on.status).toBe(200);
    expect(on.json.data.map((r: { preset: string; mode: string }) => `${r.preset}:${r.mode}`)).toEqual(['repeated-text:enforce', 'lead-link-spam:enforce', 'rate-limit-abuse:enforce']);
    // Switching again finds the same rules.
    const again = await http(server, 'POST', '/v2/protection/recommended', { body: { mode: 'enforce' } });
    expect(again.json.data.map((r: { id: string }) => r.id)).toEqual(on.json.data.map((r: { id: string }) => r.id));
    const spammer = await connectVisitor(server.url);
    expect(await spammer.send('see https://a.example and www.b.example')).toMatchObject({ ok: true });
    expect(await spammer.send('also http://c.example')).toMatchObject({ ok: true });
    await spammer.send('and https://d.example');
    const held = (await listHeld(server)).filter((h) => h.contactId === spammer.session.contact.id);
    expect(held.map((h) => h.bodyMarkdown)).toEqual(['and https://d.example']);
    expect(held[0].rule.id).toBe(on.json.data[1].id);
    spammer.close();
    await http(server, 'POST', '/v2/protection/recommended', { body: { mode: 'off' } });
  });
});
