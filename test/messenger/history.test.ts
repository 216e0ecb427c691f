import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HISTORY_PAGE_SIZE } from '../../protocol/limits.js';
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

  it('pages backwards from the oldest message a visitor has, to the first, without gaps or overlap', async () => {
    const v = await connectVisitor(server.url);
    const total = HISTORY_PAGE_SIZE + 15;
    const ids: string[] = [];
    for (let i = 0; i < total; i++) {
      const ack = await v.send(`b${i}`);
      if (!ack.ok) throw new Error(ack.error.code);
      ids.push(ack.message.id);
    }
    const older = (before: string) => v.socket.timeout(10_000).emitWithAck('history:fetch', { before }) as ReturnType<typeof v.history>;
    const latest = await v.history(null);
    if (!latest.ok) throw new Error(latest.error.code);
    expect(latest.hasMore).toBe(true);
    expect(latest.messages.map((m) => m.id)).toEqual(ids.slice(-HISTORY_PAGE_SIZE));
    const page = await older(latest.messages[0].id);
    expect(page.ok && page.messages.map((m) => m.id)).toEqual(ids.slice(0, total - HISTORY_PAGE_SIZE));
    expect(page.ok && page.hasMore).toBe(false);
    const mid = await older(ids[10]);
    expect(mid.ok && mid.messages.map((m) => m.body)).toEqual(Array.from({ length: 10 }, (_, i) => `b${i}`));
    expect(await older(ids[0])).toMatchObject({ ok: true, messages: [], hasMore: false });

    // Another visitor's message id is no cursor into this history, nor into theirs.
    const other = await connectVisitor(server.url);
    expect(await other.socket.timeout(5000).emitWithAck('history:fetch', { before: ids[total - 1] })).toMatchObject({ ok: true, messages: [], hasMore: false });
    other.close();
    v.close();
  });

  it('rejects before with since, or a malformed before, with invalid_payload', async () => {
    const v = await connectVisitor(server.url);
    const ack = await v.send('one');
    if (!ack.ok) throw new Error(ack.error.code);
    for (const bad of [{ before: ack.message.id, since: ack.message.id }, { before: 'x'.repeat(5000) }, { before: null }]) {
      expect(await v.socket.timeout(5000).emitWithAck('history:fetch', bad as never)).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    }
    v.close();
  });

  it('rejects a malformed since with invalid_payload', async () => {
    const v = await connectVisitor(server.url);
    expect(await v.socket.timeout(5000).emitWithAck('history:fetch', { since: 'nope' } as never)).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    v.close();
  });
});
