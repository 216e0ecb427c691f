// Visitor context: the messenger reports its page; agents get it live and when they open the
// conversation, with browser and system from the connection; bad or excess reports are
// dropped; nothing is kept once the visitor leaves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VisitorContextDto } from '../../protocol/agents.js';
import { NO_RATE_LIMITS } from '../../server/guard/rate-limits.js';
import { ask, connectAgent, createAgent, nextEvent, signIn, type AgentSocket } from '../support/agent.js';
import { startServer, type TestServer } from '../support/server.js';
import { connectVisitor } from '../support/visitor.js';

const UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:128.0) Gecko/20100101 Firefox/128.0';
const PAGE = { url: 'https://shop.example/cart?step=2', title: 'Your cart', referrer: 'https://search.example/', language: 'fr-FR', timeZone: 'Europe/Paris' };

let server: TestServer;
let agent: AgentSocket;
beforeAll(async () => {
  server = await startServer({ rateLimits: { ...NO_RATE_LIMITS, contextPerConnection: { points: 3, seconds: 600 } } });
  await createAgent(server, 'ada@example.com', 'admin', 'Ada');
  agent = await connectAgent(server, (await signIn(server, 'ada@example.com')).cookie);
});
afterAll(async () => {
  agent.close();
  await server.close();
});

describe('visitor context', () => {
  it('reaches agents live and on opening the conversation; bad and excess reports are dropped; gone when the visitor leaves', async () => {
    const visitor = await connectVisitor(server.url, { name: 'Zoe' }, { extraHeaders: { 'user-agent': UA } });
    const sent = await visitor.send('Where is my order?');
    if (!sent.ok) throw new Error(sent.error.code);
    const conversationId = sent.message.conversationId;
    const contactId = visitor.session.contact.id;

    const live = nextEvent(agent, 'visitor:context', (p) => p.contactId === contactId);
    visitor.socket.emit('page:context', PAGE);
    const expected: VisitorContextDto = { ...PAGE, browser: 'Firefox 128', os: 'macOS', at: expect.any(String) };
    expect((await live).context).toEqual(expected);
    const opened = await ask(agent, 'conversation:open', { conversationId });
    expect(opened.ok && opened.visitor).toEqual(expected);

    // Too long, missing fields, not an object: dropped (each still spends the budget of 3).
    visitor.socket.emit('page:context', { ...PAGE, url: `https://x.example/${'a'.repeat(2100)}` });
    visitor.socket.emit('page:context', 'nonsense' as never);
    const moved = { ...PAGE, url: 'https://shop.example/checkout', title: 'Checkout' };
    // Over the budget: dropped too; the agent never hears of the checkout page.
    visitor.socket.emit('page:context', moved);
    visitor.socket.emit('page:context', moved);
    expect(await visitor.send('Still there?')).toMatchObject({ ok: true });
    const again = await ask(agent, 'conversation:open', { conversationId });
    expect(again.ok && again.visitor).toEqual(expected);

    visitor.close();
    await expect.poll(async () => {
      const after = await ask(agent, 'conversation:open', { conversationId });
      return after.ok && after.visitor;
    }).toBeNull();
  });
});
