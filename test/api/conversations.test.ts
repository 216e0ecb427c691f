import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockContact, newAdmin, sdk, unblockContact } from '../support/api.js';
import { startServer, type TestServer } from '../support/server.js';

let ADMIN: string;
let server: TestServer;
let fb: ReturnType<typeof sdk>;
beforeAll(async () => {
  server = await startServer();
  fb = sdk(server);
  ADMIN = await newAdmin(server);
});
afterAll(() => server.close());

const newCustomer = (userId: string) => fb.users.contacts.createOrUpdate({ userId, name: userId }).then((c) => c!);

describe('conversations through the featurebase-node SDK', () => {
  it('creates a contact-initiated conversation (201) whose parts include the first message', async () => {
    const c = await newCustomer('conv-1');
    const created = await fb.support.conversations.create({ from: { type: 'contact', id: c.id }, bodyMarkdown: 'Hello, I have a question.' });
    expect(created).toMatchObject({ object: 'conversation', state: 'open', isBlocked: false, participants: [{ id: c.id, type: 'customer' }] });
    expect(created.id).toMatch(/^\d+$/);
    const got = await fb.support.conversations.retrieve(created.id);
    expect(got.conversationParts).toHaveLength(1);
    expect(got.conversationParts![0]).toMatchObject({ object: 'conversation_part', partType: 'user_msg', bodyMarkdown: 'Hello, I have a question.', author: { type: 'customer', id: c.id } });
  });

  it('starts admin outreach to a contact', async () => {
    const c = await newCustomer('outreach');
    const created = await fb.support.conversations.create({ from: { type: 'admin', id: ADMIN }, bodyMarkdown: 'Hi!', recipients: { to: { ids: [c.id] } } });
    const got = await fb.support.conversations.retrieve(created.id);
    expect(got.conversationParts!.map((p) => p.partType)).toEqual(['admin_msg']);
  });

  it('replies as contact and admin, notes included in retrieve, oldest first', async () => {
    const c = await newCustomer('replies');
    const conv = await fb.support.conversations.create({ from: { type: 'contact', id: c.id }, bodyMarkdown: 'one' });
    const r1 = await fb.support.conversations.reply(conv.id, { type: 'admin', id: ADMIN, bodyMarkdown: 'two', messageType: 'reply' });
    expect(r1).toMatchObject({ object: 'conversation_part', partType: 'admin_msg', bodyMarkdown: 'two' });
    await fb.support.conversations.reply(conv.id, { type: 'contact', userId: 'replies', bodyMarkdown: 'three', messageType: 'reply' });
    await fb.support.conversations.reply(conv.id, { type: 'admin', id: ADMIN, bodyMarkdown: 'four', messageType: 'note' });
    const got = await fb.support.conversations.retrieve(conv.id);
    expect(got.conversationParts!.map((p) => [p.partType, 'bodyMarkdown' in p ? p.bodyMarkdown : null])).toEqual([
      ['user_msg', 'one'], ['admin_msg', 'two'], ['user_msg', 'three'], ['admin_note', 'four'],
    ]);
  });

  it('escapes markup in bodyHtml', async () => {
    const c = await newCustomer('html');
    const conv = await fb.support.conversations.create({ from: { type: 'contact', id: c.id }, bodyMarkdown: '<script>alert(1)</script>' });
    const got = await fb.support.conversations.retrieve(conv.id);
    const part = got.conversationParts![0] as { bodyHtml: string };
    expect(part.bodyHtml).not.toContain('<script>');
    expect(part.bodyHtml).toContain('&lt;script&gt;');
  });

  it('updates state, lists with pagination and deletes', async () => {
    const c = await newCustomer('lifecycle');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await fb.support.conversations.create({ from: { type: 'contact', id: c.id }, bodyMarkdown: `t${i}` })).id);
    const closed = await fb.support.conversations.update(ids[0], { state: 'closed' });
    expect(closed.state).toBe('closed');
    const seen = [];
    for await (const conv of fb.support.conversations.list({ limit: 2 })) seen.push(conv.id);
    expect(seen).toEqual(expect.arrayContaining(ids));
    expect(new Set(seen).size).toBe(seen.length);
    expect(await fb.support.conversations.delete(ids[1])).toEqual({ id: ids[1], object: 'conversation', deleted: true });
    await expect(fb.support.conversations.retrieve(ids[1])).rejects.toMatchObject({ status: 404, error: { code: 'conversation_not_found' } });
    await expect(fb.support.conversations.update('99999', { state: 'open' })).rejects.toMatchObject({ status: 404 });
  });

  it('refuses a reply from a contact who is not in the conversation', async () => {
    const a = await newCustomer('owner');
    const b = await newCustomer('intruder');
    const conv = await fb.support.conversations.create({ from: { type: 'contact', id: a.id }, bodyMarkdown: 'mine' });
    await expect(fb.support.conversations.reply(conv.id, { type: 'contact', id: b.id, bodyMarkdown: 'x', messageType: 'reply' }))
      .rejects.toMatchObject({ status: 403, error: { code: 'forbidden' } });
  });
});

describe('a blocked contact authors nothing through REST', () => {
  it('answers 403 contact_blocked to create and reply as the contact, stores nothing, still allows admin replies and notes', async () => {
    const c = await newCustomer('blocked-rest');
    const conv = await fb.support.conversations.create({ from: { type: 'contact', id: c.id }, bodyMarkdown: 'before the block' });
    await blockContact(server, c.id, 'spam');
    const beforeCount = (await fb.support.conversations.list({ limit: 100 })).data.length;
    await expect(fb.support.conversations.create({ from: { type: 'contact', id: c.id }, bodyMarkdown: 'new thread' }))
      .rejects.toMatchObject({ status: 403, error: { code: 'contact_blocked' } });
    await expect(fb.support.conversations.reply(conv.id, { type: 'contact', id: c.id, bodyMarkdown: 'sneaky', messageType: 'reply' }))
      .rejects.toMatchObject({ status: 403, error: { code: 'contact_blocked' } });
    await expect(fb.support.conversations.reply(conv.id, { type: 'contact', userId: 'blocked-rest', bodyMarkdown: 'sneaky', messageType: 'reply' }))
      .rejects.toMatchObject({ status: 403, error: { code: 'contact_blocked' } });
    expect((await fb.support.conversations.list({ limit: 100 })).data.length).toBe(beforeCount);
    await fb.support.conversations.reply(conv.id, { type: 'admin', id: ADMIN, bodyMarkdown: 'we saw this', messageType: 'reply' });
    await fb.support.conversations.reply(conv.id, { type: 'admin', id: ADMIN, bodyMarkdown: 'blocked for spam', messageType: 'note' });
    const got = await fb.support.conversations.retrieve(conv.id);
    expect(got.isBlocked).toBe(true);
    expect(got.conversationParts!.map((p) => ('bodyMarkdown' in p ? p.bodyMarkdown : null))).toEqual(['before the block', 'we saw this', 'blocked for spam']);
    await unblockContact(server, c.id);
    await fb.support.conversations.reply(conv.id, { type: 'contact', id: c.id, bodyMarkdown: 'thanks', messageType: 'reply' });
    expect((await fb.support.conversations.retrieve(conv.id)).isBlocked).toBe(false);
  });
});
