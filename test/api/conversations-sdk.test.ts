import Featurebase from 'featurebase-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_TAGS } from '../../server/core/tags.js';
import { blockContact, http, newAdmin, sdk } from '../support/api.js';
import { startServer, type TestServer } from '../support/server.js';
import {
  Admin, AdminListResponse, AdminListRolesResponse, AttachedConversationTag, Conversation, ConversationDeleteResponse, ConversationList, ConversationPart,
  ConversationSearchResponse, ConversationTag, ConversationTagDeleteResponse, ConversationTagListResponse, expectShape,
} from '../support/sdk-conversation-types.js';

let server: TestServer;
let fb: Featurebase;
let admin: string;
beforeAll(async () => {
  server = await startServer();
  fb = sdk(server);
  admin = await newAdmin(server, 'Ada Support');
});
afterAll(() => server.close());

const UNKNOWN_ADMIN = 'abcdefabcdefabcdefabcdef';
const customer = (userId: string) => fb.users.contacts.createOrUpdate({ userId, name: userId, email: `${userId}@example.com` }).then((c) => c!);
const start = async (userId: string, body = 'hello') => {
  const c = await customer(userId);
  return { contact: c, conversation: await fb.support.conversations.create({ from: { type: 'contact', id: c.id }, bodyMarkdown: body }) };
};

describe('conversations answer exactly as featurebase-node types them', () => {
  it('create, retrieve, list, reply (contact, admin, note), update and delete', async () => {
    const { contact, conversation } = await start('typed-1', 'first');
    expectShape(Conversation, conversation);
    expectShape(ConversationPart, await fb.support.conversations.reply(conversation.id, { type: 'contact', id: contact.id, bodyMarkdown: 'more', messageType: 'reply' }));
    const answer = expectShape(ConversationPart, await fb.support.conversations.reply(conversation.id, { type: 'admin', id: admin, bodyMarkdown: 'answer', messageType: 'reply' }));
    expect(answer).toMatchObject({ partType: 'admin_msg', author: { type: 'admin', id: admin, name: 'Ada Support' } });
    const note = expectShape(ConversationPart, await fb.support.conversations.reply(conversation.id, { type: 'admin', id: admin, bodyMarkdown: 'note', messageType: 'note' }));
    expect(note.partType).toBe('admin_note');
    const got = expectShape(Conversation, await fb.support.conversations.retrieve(conversation.id));
    expect(got.conversationParts!.map((p) => p.partType)).toEqual(['user_msg', 'user_msg', 'admin_msg', 'admin_note']);
    const page = expectShape(ConversationList, await (await fb.support.conversations.list({ limit: 100 }).asResponse()).json());
    expect(page.data.map((c) => c.id)).toContain(conversation.id);
    const updated = expectShape(Conversation, await fb.support.conversations.update(conversation.id, { state: 'closed', title: 'Done', adminAssigneeId: admin }));
    expect(updated).toMatchObject({ state: 'closed', title: 'Done', adminAssigneeId: admin, snoozedUntil: null });
    expectShape(ConversationDeleteResponse, await fb.support.conversations.delete(conversation.id));
  });

  it('starts admin outreach as an existing admin, named on the part', async () => {
    const c = await customer('typed-outreach');
    const created = expectShape(Conversation, await fb.support.conversations.create({ from: { type: 'admin', id: admin }, bodyMarkdown: 'Hi!', recipients: { to: { ids: [c.id] } } }));
    expect(created.conversationParts).toEqual([expect.objectContaining({ partType: 'admin_msg', author: { type: 'admin', id: admin, name: 'Ada Support' } })]);
  });
});

describe('organization.admins are the active console agents', () => {
  it('lists, retrieves and lists roles in the SDK shape; a deactivated agent is no admin', async () => {
    const gone = await newAdmin(server, 'Gone');
    const listed = expectShape(AdminListResponse, await fb.organization.admins.list());
    expect(listed.data).toEqual(expect.arrayContaining([
      { object: 'admin', id: admin, name: 'Ada Support', email: expect.stringMatching(/@example\.com$/), profilePicture: null, roleId: 'agent' },
    ]));
    expect(expectShape(Admin, await fb.organization.admins.retrieve(admin)).id).toBe(admin);
    const roles = expectShape(AdminListRolesResponse, await fb.organization.admins.listRoles());
    expect(roles.data.map((r) => [r.id, r.permissions])).toEqual([
      ['admin', { manage_team_members: true, manage_users: true, view_users: true }],
      ['agent', { manage_team_members: false, manage_users: false, view_users: true }],
    ]);
    const boss = (await fb.organization.admins.list()).data.length;
    await server.parley.store.agents.deactivate(gone, new Date().toISOString());
    expect((await fb.organization.admins.list()).data.map((a) => a.id)).not.toContain(gone);
    expect((await fb.organization.admins.list()).data).toHaveLength(boss - 1);
    await expect(fb.organization.admins.retrieve(gone)).rejects.toMatchObject({ status: 404, error: { code: 'admin_not_found' } });
    await expect(fb.organization.admins.retrieve(UNKNOWN_ADMIN)).rejects.toMatchObject({ status: 404, error: { code: 'admin_not_found' } });
  });

  it('refuses an unknown admin id wherever one is accepted, and stores nothing', async () => {
    const { contact, conversation } = await start('typed-unknown-admin');
    const before = (await fb.support.conversations.list({ limit: 100 })).data.length;
    const refused = { status: 404, error: { code: 'admin_not_found' } };
    await expect(fb.support.conversations.create({ from: { type: 'admin', id: UNKNOWN_ADMIN }, bodyMarkdown: 'x', recipients: { to: { ids: [contact.id] } } })).rejects.toMatchObject(refused);
    await expect(fb.support.conversations.reply(conversation.id, { type: 'admin', id: UNKNOWN_ADMIN, bodyMarkdown: 'x', messageType: 'reply' })).rejects.toMatchObject(refused);
    await expect(fb.support.conversations.update(conversation.id, { adminAssigneeId: UNKNOWN_ADMIN })).rejects.toMatchObject(refused);
    await expect(fb.support.conversations.update(conversation.id, { state: 'closed', actingAdminId: UNKNOWN_ADMIN })).rejects.toMatchObject(refused);
    const got = await fb.support.conversations.retrieve(conversation.id);
    expect(got).toMatchObject({ adminAssigneeId: null, state: 'open' });
    expect(got.conversationParts).toHaveLength(1);
    expect((await fb.support.conversations.list({ limit: 100 })).data).toHaveLength(before);
  });
});

describe('conversation tags', () => {
  it('creates, renames, lists, retrieves and deletes tags; attaches and detaches them on conversations', async () => {
    const spam = expectShape(ConversationTag, await fb.support.conversationTags.createOrRename({ name: 'spam' }));
    const vip = expectShape(ConversationTag, await fb.support.conversationTags.createOrRename({ name: 'vip' }));
    expect(expectShape(ConversationTag, await fb.support.conversationTags.createOrRename({ id: vip.id, name: 'VIP' }))).toEqual({ id: vip.id, name: 'VIP', type: 'tag' });
    expect(expectShape(ConversationTagListResponse, await fb.support.conversationTags.list()).data.map((t) => t.name)).toEqual(expect.arrayContaining(['spam', 'VIP']));
    expect(expectShape(ConversationTag, await fb.support.conversationTags.retrieve(spam.id)).name).toBe('spam');

    const { conversation } = await start('tagged');
    const attached = expectShape(AttachedConversationTag, await fb.support.conversations.attachTag(conversation.id, { tagId: spam.id, actingAdminId: admin }));
    expect(attached).toMatchObject({ id: spam.id, name: 'spam', type: 'tag', appliedBy: { type: 'admin', id: admin } });
    await fb.support.conversations.attachTag(conversation.id, { tagId: vip.id, actingAdminId: admin });
    expect((await fb.support.conversations.retrieve(conversation.id)).tags).toEqual([
      { id: spam.id, name: 'spam', type: 'tag' }, { id: vip.id, name: 'VIP', type: 'tag' },
    ]);
    const detached = expectShape(AttachedConversationTag, await fb.support.conversations.detachTag(vip.id, { id: conversation.id, actingAdminId: admin }));
    expect(detached).toMatchObject({ id: vip.id, removedBy: { type: 'admin', id: admin }, removedAt: expect.any(String) });
    expect((await fb.support.conversations.retrieve(conversation.id)).tags.map((t) => t.id)).toEqual([spam.id]);

    await expect(fb.support.conversations.attachTag(conversation.id, { tagId: 'ffffffffffffffffffffffff', actingAdminId: admin })).rejects.toMatchObject({ status: 404, error: { code: 'tag_not_found' } });
    await expect(fb.support.conversations.attachTag(conversation.id, { tagId: spam.id, actingAdminId: UNKNOWN_ADMIN })).rejects.toMatchObject({ status: 404, error: { code: 'admin_not_found' } });
    await expect(fb.support.conversations.detachTag(vip.id, { id: conversation.id, actingAdminId: admin })).rejects.toMatchObject({ status: 404, error: { code: 'tag_not_found' } });
    await expect(fb.support.conversations.attachTag('999999', { tagId: spam.id, actingAdminId: admin })).rejects.toMatchObject({ status: 404, error: { code: 'conversation_not_found' } });

    expectShape(ConversationTagDeleteResponse, await fb.support.conversationTags.delete(spam.id));
    expect((await fb.support.conversations.retrieve(conversation.id)).tags).toEqual([]);
    await expect(fb.support.conversationTags.retrieve(spam.id)).rejects.toMatchObject({ status: 404, error: { code: 'tag_not_found' } });
  });

  it('caps the catalog at MAX_TAGS tags', async () => {
    const small = await startServer();
    try {
      for (let i = 0; i < MAX_TAGS; i++) await small.parley.store.tags.create(`tag ${i}`);
      await expect(sdk(small).support.conversationTags.createOrRename({ name: 'one more' }))
        .rejects.toMatchObject({ status: 400, error: { message: expect.stringContaining(String(MAX_TAGS)) } });
    } finally {
      await small.close();
    }
  });

  it('answers a duplicate name with 409 that the SDK does not retry (x-should-retry: false)', async () => {
    await fb.support.conversationTags.createOrRename({ name: 'twice' });
    let requests = 0;
    const retrying = new Featurebase({
      apiKey: server.apiKey, baseURL: server.url, maxRetries: 2,
      fetch: (input, init) => {
        requests++;
        return fetch(input, init);
      },
    });
    await expect(retrying.support.conversationTags.createOrRename({ name: 'twice' })).rejects.toMatchObject({ status: 409, error: { code: 'conflict' } });
    expect(requests).toBe(1);
  });
});

describe('conversations.search', () => {
  it('filters with the SDK AST, sorts and pages with a cursor', async () => {
    const tag = await fb.support.conversationTags.createOrRename({ name: 'search-me' });
    const a = await start('search-a', 'refund please');
    const b = await start('search-b', 'where is my parcel');
    const c = await start('search-c', 'another refund');
    await fb.support.conversations.attachTag(a.conversation.id, { tagId: tag.id, actingAdminId: admin });
    await fb.support.conversations.attachTag(c.conversation.id, { tagId: tag.id, actingAdminId: admin });
    await fb.support.conversations.update(b.conversation.id, { state: 'closed', adminAssigneeId: admin });

    const tagged = expectShape(ConversationSearchResponse, await fb.support.conversations.search({ query: { field: 'tagIds', operator: '=', value: tag.id } }));
    expect(tagged.data.map((r) => r.id)).toEqual([c.conversation.id, a.conversation.id]);
    expect(tagged.data[0]).toMatchObject({ tags: [{ id: tag.id, name: 'search-me', type: 'tag' }], conversationUser: { id: c.contact.id, type: 'customer', email: 'search-c@example.com' } });
    const asc = await fb.support.conversations.search({ query: { field: 'tagIds', operator: 'IN', value: [tag.id] }, sort: 'lastActivityAt:asc' });
    expect(asc.data.map((r) => r.id)).toEqual([a.conversation.id, c.conversation.id]);

    const assigned = await fb.support.conversations.search({
      query: { operator: 'AND', value: [{ field: 'state', operator: '=', value: 'closed' }, { field: 'adminAssigneeId', operator: '=', value: admin }] },
    });
    expect(assigned.data.map((r) => r.id)).toEqual([b.conversation.id]);
    const ofContact = await fb.support.conversations.search({ query: { field: 'participantId', operator: 'IN', value: [a.contact.id, b.contact.id] } });
    expect(ofContact.data.map((r) => r.id)).toEqual([b.conversation.id, a.conversation.id]);
    const unassignedOpen = await fb.support.conversations.search({
      query: { operator: 'AND', value: [{ field: 'tagIds', operator: '=', value: tag.id }, { field: 'adminAssigneeId', operator: '=', value: null }] },
    });
    expect(unassignedOpen.data).toHaveLength(2);
    const notTagged = await fb.support.conversations.search({
      query: { operator: 'AND', value: [{ field: 'participantId', operator: 'IN', value: [a.contact.id, b.contact.id, c.contact.id] }, { field: 'tagIds', operator: '!=', value: tag.id }] },
    });
    expect(notTagged.data.map((r) => r.id)).toEqual([b.conversation.id]);
    const since = Math.floor(Date.parse(a.conversation.createdAt) / 1000) - 1;
    const recent = await fb.support.conversations.search({ query: { field: 'createdAt', operator: '>', value: since }, limit: 100 });
    expect(recent.data.map((r) => r.id)).toEqual(expect.arrayContaining([a.conversation.id, b.conversation.id, c.conversation.id]));
    expect((await fb.support.conversations.search({ query: { field: 'createdAt', operator: '<', value: since } })).data.map((r) => r.id)).not.toContain(a.conversation.id);

    const found = await fb.support.conversations.search({ search: 'REFUND' });
    expect(found.data.map((r) => r.id)).toEqual([c.conversation.id, a.conversation.id]);

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = expectShape(ConversationSearchResponse, await fb.support.conversations.search({ limit: 2, ...(cursor ? { cursor } : {}) }));
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((r) => r.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining([a.conversation.id, b.conversation.id, c.conversation.id]));
    expect(seen).toHaveLength((await fb.support.conversations.list({ limit: 100 })).data.length);
  });

  it('refuses what it cannot answer: only negations, unknown fields, OR groups, foreign cursors', async () => {
    await expect(fb.support.conversations.search({ query: { field: 'adminAssigneeId', operator: '!=', value: admin } }))
      .rejects.toMatchObject({ status: 400, error: { code: 'query_too_broad' } });
    await expect(fb.support.conversations.search({ query: { field: 'state', operator: '!=', value: 'closed' } })).resolves.toMatchObject({ object: 'list' });
    await expect(fb.support.conversations.search({ query: { field: 'companyId', operator: '=', value: 'x' } }))
      .rejects.toMatchObject({ status: 400, error: { code: 'invalid_payload', message: expect.stringContaining('companyId') } });
    await expect(fb.support.conversations.search({ query: { field: 'mood', operator: '=', value: 'x' } }))
      .rejects.toMatchObject({ status: 400, error: { message: expect.stringContaining('mood') } });
    await expect(fb.support.conversations.search({ query: { operator: 'OR', value: [{ field: 'state', operator: '=', value: 'open' }] } }))
      .rejects.toMatchObject({ status: 400, error: { message: expect.stringContaining('OR') } });
    await expect(fb.support.conversations.search({ cursor: 'bm90IG91cnM' })).rejects.toMatchObject({ status: 400, error: { message: expect.stringContaining('cursor') } });
    await expect(fb.support.conversations.search({ limit: 1000 })).rejects.toMatchObject({ status: 400, error: { message: expect.stringContaining('limit') } });
    await expect(fb.support.conversations.search({ search: 'x'.repeat(201) })).rejects.toMatchObject({ status: 400, error: { message: expect.stringContaining('search') } });
    const many = Array.from({ length: 16 }, () => ({ field: 'state', operator: '=' as const, value: 'open' }));
    await expect(fb.support.conversations.search({ query: { operator: 'AND', value: many } })).rejects.toMatchObject({ status: 400, error: { message: expect.stringContaining('15') } });
    await expect(fb.support.conversations.search({ query: { field: 'tagIds', operator: 'IN', value: Array.from({ length: 101 }, (_, i) => String(i)) } }))
      .rejects.toMatchObject({ status: 400, error: { code: 'invalid_payload' } });
    await expect(fb.support.conversationTags.createOrRename({ name: 'x'.repeat(101) })).rejects.toMatchObject({ status: 400, error: { message: expect.stringContaining('name') } });
    await expect(fb.support.conversationTags.createOrRename({ name: '   ' })).rejects.toMatchObject({ status: 400, error: { message: expect.stringContaining('blank') } });
  });
});

describe('conversations.update: snooze and fields Parley does not have', () => {
  it('snoozes until a future time and refuses a past or missing one', async () => {
    const { conversation } = await start('snoozer');
    const until = new Date(Date.now() + 3600_000).toISOString();
    const snoozed = expectShape(Conversation, await fb.support.conversations.update(conversation.id, { state: 'snoozed', snoozedUntil: until }));
    expect(snoozed).toMatchObject({ state: 'snoozed', snoozedUntil: until });
    await expect(fb.support.conversations.update(conversation.id, { state: 'snoozed' })).rejects.toMatchObject({ status: 400, error: { message: expect.stringContaining('snoozedUntil') } });
    await expect(fb.support.conversations.update(conversation.id, { snoozedUntil: new Date(Date.now() - 1000).toISOString() })).rejects.toMatchObject({ status: 400, error: { message: expect.stringContaining('future') } });
    await expect(fb.support.conversations.update(conversation.id, { state: 'closed', snoozedUntil: until })).rejects.toMatchObject({ status: 400 });
    const reopened = await fb.support.conversations.update(conversation.id, { state: 'open' });
    expect(reopened).toMatchObject({ state: 'open', snoozedUntil: null });
  });

  it('answers 400 naming teamAssigneeId, customAttributes and markAsRead instead of dropping them', async () => {
    const { conversation } = await start('unsupported');
    for (const [field, body] of [
      ['teamAssigneeId', { teamAssigneeId: 'ffffffffffffffffffffffff' }],
      ['customAttributes', { customAttributes: { a: 1 } }],
      ['markAsRead', { markAsRead: { allAdmins: true } }],
    ] as const) {
      await expect(fb.support.conversations.update(conversation.id, { ...body, title: 'changed' }))
        .rejects.toMatchObject({ status: 400, error: { code: 'invalid_payload', message: expect.stringContaining(field) } });
    }
    expect((await fb.support.conversations.retrieve(conversation.id)).title).toBeUndefined();
    // No team is what Parley always has: null is accepted.
    await expect(fb.support.conversations.update(conversation.id, { teamAssigneeId: null })).resolves.toMatchObject({ teamAssigneeId: null });
  });
});

describe('routing and retries', () => {
  it('answers 404 to unknown paths, 405 only to a known path with another method', async () => {
    const { contact } = await start('routing');
    for (const [method, path] of [['POST', '/v2/contacts/not-an-id'], ['GET', '/v2/nothing'], ['POST', '/v2/conversations/12/unknown'], ['PUT', '/v2/contacts/searching']]) {
      const res = await http(server, method, path);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.json.code).toBe('not_found');
    }
    const wrong = await http(server, 'PUT', `/v2/contacts/${contact.id}`);
    expect([wrong.status, wrong.json.code]).toEqual([405, 'method_not_allowed']);
    for (const path of ['/v2/conversations/search', '/v2/contacts/search']) expect((await http(server, 'PUT', path)).status, path).toBe(405);
    // The path is a route of its own, not a conversation id.
    for (const path of ['/v2/conversations/search', '/v2/conversations/redact', '/v2/admins/roles']) {
      const res = await http(server, path.endsWith('roles') ? 'DELETE' : 'GET', path);
      expect([res.status, res.json.code], path).toEqual([405, 'method_not_allowed']);
    }
    expect((await http(server, 'GET', '/v2/conversations/not-a-number')).json.code).toBe('invalid_id');
  });

  it('answers the SDK methods Parley does not have with 404 not_found', async () => {
    const { contact, conversation } = await start('not-here');
    const notFound = { status: 404, error: { code: 'not_found' } };
    await expect(fb.support.conversations.participants.add(conversation.id, { participantIds: [contact.id] } as any)).rejects.toMatchObject(notFound);
    await expect(fb.organization.teams.list()).rejects.toMatchObject(notFound);
    await expect(fb.organization.teams.retrieve('ffffffffffffffffffffffff')).rejects.toMatchObject(notFound);
    await expect(fb.organization.brands.retrieve('ffffffffffffffffffffffff')).rejects.toMatchObject(notFound);
    await expect(fb.conversationAttributes.list()).rejects.toMatchObject(notFound);
    // Resources of Featurebase's other products (feedback, changelog, help center, surveys, reports).
    await expect(fb.feedback.boards.list()).rejects.toMatchObject(notFound);
    await expect(fb.changelogs.list()).rejects.toMatchObject(notFound);
    await expect(fb.helpCenter.helpCenters.list()).rejects.toMatchObject(notFound);
    await expect(fb.surveys.list()).rejects.toMatchObject(notFound);
    await expect(fb.reports.query({} as any)).rejects.toMatchObject(notFound);
  });

  it('marks client errors x-should-retry: false and leaves rate limits and server errors retryable', async () => {
    const missing = await http(server, 'GET', '/v2/conversations/424242');
    expect([missing.status, missing.headers.get('x-should-retry')]).toEqual([404, 'false']);
    const bad = await http(server, 'PATCH', '/v2/conversations/1', { body: { state: 'gone' } });
    expect([bad.status, bad.headers.get('x-should-retry')]).toEqual([400, 'false']);
    const unauthorized = await http(server, 'GET', '/v2/conversations', { auth: false });
    expect([unauthorized.status, unauthorized.headers.get('x-should-retry')]).toEqual([401, 'false']);
    const limited = await startServer({ rateLimits: { ...server.parley.config.rateLimits, restPerIp: { points: 1, seconds: 60 } } });
    try {
      await http(limited, 'GET', '/v2/conversations');
      const res = await http(limited, 'GET', '/v2/conversations');
      expect([res.status, res.headers.get('x-should-retry')]).toEqual([429, 'true']);
    } finally {
      await limited.close();
    }
  });

  it('keeps a blocked contact blocked through search and tags (the block workflow end to end)', async () => {
    const { contact, conversation } = await start('abuser', 'you are all idiots');
    expect((await blockContact(server, contact.id, 'abuse')).status).toBe(200);
    const tag = await fb.support.conversationTags.createOrRename({ name: 'abuse' });
    await fb.support.conversations.attachTag(conversation.id, { tagId: tag.id, actingAdminId: admin });
    const found = await fb.support.conversations.search({ query: { field: 'tagIds', operator: '=', value: tag.id } });
    expect(found.data.map((r) => r.id)).toEqual([conversation.id]);
    expect((await fb.support.conversations.retrieve(conversation.id)).isBlocked).toBe(true);
  });
});
