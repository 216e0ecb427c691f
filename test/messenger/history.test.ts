import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newAdmin, sdk } from '../support/api.js';
import { startServer, type TestServer } from '../support/server.js';
import { connectVisitor } from '../support/visitor.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

describe('history on reconnect', () => {
  it('resumes after the last seen message without gaps or duplicates', async () => {
    const v = await connectVisitor(server.url);
    const sent: string[] = [];
    for (let i = 0; i < 5; i++) {
      const ack = await v.send(`m${i}`);
      if (ack.ok) sent.push(ack.message.id);
    }
    const lastSeen = sent[2];
    v.close();
    // While offline: an agent answers and a note is added.
    const ack = await connectVisitor(server.url, { visitorToken: v.session.visitorToken });
    const convId = (await ack.history(null));
    ack.close();
    if (!convId.ok) throw new Error('history failed');
    const fb = sdk(server);
    const adminId = await newAdmin(server);
    await fb.support.conversations.reply(convId.messages[0].conversationId, { type: 'admin', id: adminId, bodyMarkdown: 'while you were away', messageType: 'reply' });
    await fb.support.conversations.reply(convId.messages[0].conversationId, { type: 'admin', id: adminId, bodyMarkdown: 'internal', messageType: 'note' });

    const back = await connectVisitor(server.url, { visitorToken: v.session.visitorToken });
    const resumed = await back.history(lastSeen);
    expect(resumed.ok && resumed.messages.map((m) => m.body)).toEqual(['m3', 'm4', 'while you were away']);
    expect(resumed.ok && resumed.hasMore).toBe(false);
    const full = await back.history(null);
    expect(full.ok && full.messages.map((m) => m.body)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'while you were away']);
    back.close();
  });

  it('rejects a malformed since with invalid_payload', async () => {
    const v = await connectVisitor(server.url);
    expect(await v.socket.timeout(5000).emitWithAck('history:fetch', { since: 'nope' } as never)).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    v.close();
  });
});
