import { afterAll, beforeAll, expect, it } from 'vitest';
import { ask, connectAgent, createAgent, nextEvent, signIn } from '../support/agent.js';
import { startServer, type TestServer } from '../support/server.js';
import { connectVisitor, newClientId } from '../support/visitor.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
  await createAgent(server, 'ada@example.com', 'admin', 'Ada');
});
afterAll(() => server.close());

it('never delivers an internal note to the visitor, live or in history, while agents see it', async () => {
  const agent = await connectAgent(server, (await signIn(server, 'ada@example.com')).cookie);
  const visitor = await connectVisitor(server.url, { name: 'Lou' });
  const received: string[] = [];
  visitor.socket.on('message:new', (m) => received.push(m.body));
  try {
    const sent = await visitor.send('Hi there');
    if (!sent.ok) throw new Error(sent.error.code);
    const { conversationId } = sent.message;
    const noteSeen = nextEvent(agent, 'message:new', (p) => p.message.messageType === 'note');
    const note = await ask(agent, 'conversation:note', { conversationId, body: 'VIP customer, be nice', clientId: newClientId() });
    expect(note.ok && note.message.messageType).toBe('note');
    expect((await noteSeen).message.body).toBe('VIP customer, be nice');
    // A reply sent after the note arrives; by then the note would have arrived too.
    const replySeen = visitor.next('message:new');
    await ask(agent, 'conversation:reply', { conversationId, body: 'Hello Lou', clientId: newClientId() });
    await replySeen;
    // (The sending tab has its ack: its own message is pushed only to its other tabs.)
    expect(received).toEqual(['Hello Lou']);
    const history = await visitor.history(null);
    expect(history.ok && history.messages.map((m) => m.body)).toEqual(['Hi there', 'Hello Lou']);
    const opened = await ask(agent, 'conversation:open', { conversationId });
    expect(opened.ok && opened.messages.map((m) => [m.messageType, m.body])).toEqual([
      ['reply', 'Hi there'], ['note', 'VIP customer, be nice'], ['reply', 'Hello Lou'],
    ]);
  } finally {
    agent.close();
    visitor.close();
  }
});
