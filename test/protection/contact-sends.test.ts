import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userHash } from '../../server/realtime/identity.js';
import { http } from '../support/api.js';
import { nextEvent } from '../support/agent.js';
import { startServer, type TestServer } from '../support/server.js';
import { connectVisitor } from '../support/visitor.js';
import { listHeld, saveRule, watchingAgent } from './support.js';

let server: TestServer;
let rule: { id: string };
beforeAll(async () => {
  server = await startServer();
  rule = await saveRule(server, { name: 'held words', conditions: [{ type: 'words', words: ['casino'] }], action: { type: 'hold' } });
});
afterAll(() => server.close());

describe('a held message, as the contact sees it and wherever it came from', () => {
  it("shows a held message in the visitor's other tabs as sent, and pushes nothing to agents", async () => {
    const agent = await watchingAgent(server, 'tabs-admin@example.com');
    const tab1 = await connectVisitor(server.url);
    const tab2 = await connectVisitor(server.url, { visitorToken: tab1.session.visitorToken });
    expect(tab2.session.contact.id).toBe(tab1.session.contact.id);
    const pushed = tab2.next('message:new');
    const ack = await tab1.send('best casino in town');
    expect(ack.ok).toBe(true);
    const other = await pushed;
    expect(other).toMatchObject({ id: ack.ok && ack.message.id, body: 'best casino in town', author: { type: 'lead' } });
    const sentinel = nextEvent(agent.socket, 'message:new', (p) => p.message.body === 'tabs sentinel');
    await tab1.send('tabs sentinel');
    await sentinel;
    expect(agent.bodies).toEqual(['tabs sentinel']);
    for (const s of [tab1, tab2]) s.close();
    agent.socket.close();
  });

  it('checks a message the REST API creates on behalf of a contact: held, answered 202 with the held message', async () => {
    const visitor = await connectVisitor(server.url);
    const contactId = visitor.session.contact.id;
    const started = await http(server, 'POST', '/v2/conversations', { body: { from: { type: 'contact', id: contactId }, bodyMarkdown: 'casino night' } });
    expect(started.status).toBe(202);
    expect(started.json).toMatchObject({ object: 'held_message', contactId, bodyMarkdown: 'casino night', conversationId: null, rule: { id: rule.id } });
    // A clean message through REST is stored as before; a reply to it is checked too.
    const clean = await http(server, 'POST', '/v2/conversations', { body: { from: { type: 'contact', id: contactId }, bodyMarkdown: 'hello' } });
    expect(clean.status).toBe(201);
    const reply = await http(server, 'POST', `/v2/conversations/${clean.json.id}/reply`, { body: { type: 'contact', id: contactId, messageType: 'reply', bodyMarkdown: 'one more casino' } });
    expect(reply.status).toBe(202);
    expect(reply.json).toMatchObject({ object: 'held_message', conversationId: clean.json.id });
    const held = (await listHeld(server)).filter((h) => h.contactId === contactId).map((h) => h.bodyMarkdown);
    expect(held).toEqual(['one more casino', 'casino night']);
    visitor.close();
  });

  it('releases a held message of a lead that was merged into a customer since, into the customer\'s conversation', async () => {
    const lead = await connectVisitor(server.url);
    expect(await lead.send('hi there')).toMatchObject({ ok: true });
    expect(await lead.send('casino bonus')).toMatchObject({ ok: true });
    const [held] = (await listHeld(server)).filter((h) => h.contactId === lead.session.contact.id);
    expect(held.bodyMarkdown).toBe('casino bonus');
    // The lead signs in: it is merged into the customer its userId names.
    const customer = await connectVisitor(server.url, { visitorToken: lead.session.visitorToken, userId: 'merged-held', userHash: userHash('merged-held', server.secret) });
    expect(customer.session.contact).toMatchObject({ type: 'customer' });
    expect(customer.session.contact.id).not.toBe(lead.session.contact.id);
    lead.close();
    // The customer's history shows the held message where it was sent, as before the merge.
    const before = await customer.history(null);
    expect(before.ok && before.messages.map((m) => m.body)).toEqual(['hi there', 'casino bonus']);
    const agent = await watchingAgent(server, 'merge-admin@example.com');
    const pushed = nextEvent(agent.socket, 'message:new', (p) => p.message.body === 'casino bonus');
    const released = await http(server, 'POST', `/v2/protection/held/${held.id}/release`);
    expect(released.status).toBe(200);
    const { message, conversation, contact } = await pushed;
    expect(message.id).toBe(released.json.id);
    expect(contact.id).toBe(customer.session.contact.id);
    const first = before.ok ? before.messages[0].conversationId : '';
    expect(conversation.id).toBe(first);
    const after = await customer.history(null);
    expect(after.ok && after.messages.map((m) => [m.body, m.id === released.json.id || m.body !== 'casino bonus'])).toEqual([['hi there', true], ['casino bonus', true]]);
    customer.close();
    agent.socket.close();
  });
});
