import type { ContactSearchParams } from 'featurebase-node/resources/users/contacts/contacts';
import { beforeAll, describe, expect, it } from 'vitest';
import { http, serverWithSdk } from '../support/api.js';
import { expectSdkShape, SdkContactSearchResponse } from '../support/sdk-contact-types.js';
import { connectVisitor } from '../support/visitor.js';

const t = serverWithSdk();
const ids: Record<string, string> = {};
const day = (n: number) => Date.UTC(2025, 0, 1 + n) / 1000;

beforeAll(async () => {
  // Five customers a day apart (ada oldest), with companies, and a lead from the messenger.
  const people = [
    ['ada', 'Ada Lovelace', [{ id: 'acme', name: 'Acme' }]],
    ['bob', 'Bob Builder', [{ id: 'acme', name: 'Acme' }, { id: 'beta', name: 'Beta' }]],
    ['cy', 'Cy Twombly', []],
    ['dee', 'Dee Dee', [{ id: 'beta', name: 'Beta' }]],
    ['eve', 'Eve Online', []],
  ] as const;
  for (const [i, [userId, name, companies]] of people.entries()) {
    const c = await t.fb.users.contacts.createOrUpdate({ userId, name, email: `${userId}@example.com`, companies: [...companies], createdAt: new Date(day(i) * 1000).toISOString() });
    ids[userId] = c!.id;
  }
  const lead = await connectVisitor(t.server.url);
  ids.lead = lead.session.contact.id;
  lead.close();
  await t.fb.users.contacts.block(ids.dee);
});

const search = async (params: ContactSearchParams) => expectSdkShape(SdkContactSearchResponse, await t.fb.users.contacts.search({ limit: 100, ...params }));
const userIds = async (params: ContactSearchParams) => (await search(params)).data.map((c) => c.userId ?? 'lead').sort();

describe('POST /v2/contacts/search (client.users.contacts.search)', () => {
  it('lists every contact, customers and leads, without a query', async () => {
    const all = await search({});
    expect(all.data.map((c) => c.id).sort()).toEqual(Object.values(ids).sort());
    expect(all).toMatchObject({ totalCount: 6, totalCountCapped: false, nextCursor: null });
  });

  it('filters by each documented field and operator, alone or in one AND group', async () => {
    expect(await userIds({ query: { field: 'externalId', operator: '=', value: 'bob' } })).toEqual(['bob']);
    expect(await userIds({ query: { field: 'email', operator: 'IN', value: ['ada@example.com', 'eve@example.com'] } })).toEqual(['ada', 'eve']);
    expect(await userIds({ query: { field: 'name', operator: '~', value: 'BUILD' } })).toEqual(['bob']);
    expect(await userIds({ query: { field: 'type', operator: '=', value: 'lead' } })).toEqual(['lead']);
    expect(await userIds({ query: { field: 'type', operator: '!=', value: 'lead' } })).toEqual(['ada', 'bob', 'cy', 'dee', 'eve']);
    const acme = (await t.fb.users.contacts.retrieve(ids.ada))!.companies![0].id;
    expect(await userIds({ query: { field: 'companyIds', operator: '=', value: acme } })).toEqual(['ada', 'bob']);
    expect(await userIds({ query: { field: 'createdAt', operator: '>', value: day(2) } })).toEqual(['dee', 'eve', 'lead']);
    expect(await userIds({ query: { field: 'createdAt', operator: '=', value: day(1) } })).toEqual(['bob']);
    expect(await userIds({ query: { field: 'lastActivity', operator: '<', value: day(1) } })).toEqual(['ada']);
    expect(await userIds({ query: { field: 'postsCreated', operator: '=', value: 0 } })).toHaveLength(6);
    expect(await userIds({ query: { field: 'commentsCreated', operator: '>', value: 0 } })).toEqual([]);
    expect(await userIds({
      query: { operator: 'AND', value: [{ field: 'type', operator: '=', value: 'customer' }, { field: 'companyIds', operator: 'NIN', value: [acme] }, { field: 'name', operator: '!=', value: 'Eve Online' }] },
    })).toEqual(['cy', 'dee']);
  });

  it('takes the snake_case field and sort names the endpoint first shipped with', async () => {
    expect(await userIds({ query: { field: 'external_id', operator: 'IN', value: ['ada', 'cy'] } })).toEqual(['ada', 'cy']);
    const bySnake = await search({ sort: 'created_at:asc', limit: 2 });
    expect(bySnake.data.map((c) => c.userId)).toEqual(['ada', 'bob']);
  });

  it('filters by blocked (a Parley field)', async () => {
    expect(await userIds({ query: { field: 'blocked', operator: '=', value: true } })).toEqual(['dee']);
    expect(await userIds({ query: { operator: 'AND', value: [{ field: 'blocked', operator: '=', value: false }, { field: 'type', operator: '=', value: 'customer' }] } })).toEqual(['ada', 'bob', 'cy', 'eve']);
  });

  it('sorts and pages with the cursor, every contact once, the count on every page', async () => {
    for (const sort of ['createdAt:asc', 'createdAt:desc', 'lastActivity:desc', 'postsCreated:desc'] as const) {
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 10; page++) {
        const res = await search({ sort, limit: 4, ...(cursor ? { cursor } : {}) });
        expect(res.totalCount, sort).toBe(6);
        seen.push(...res.data.map((c) => c.id));
        if (!res.nextCursor) break;
        cursor = res.nextCursor;
      }
      expect(new Set(seen).size, sort).toBe(6);
      if (sort === 'createdAt:asc') expect(seen.slice(0, 5)).toEqual([ids.ada, ids.bob, ids.cy, ids.dee, ids.eve]);
      if (sort === 'createdAt:desc') expect(seen.slice(1)).toEqual([ids.eve, ids.dee, ids.cy, ids.bob, ids.ada]);
    }
  });

  it('refuses a cursor made for another sort, or not made here, with invalid_cursor', async () => {
    const first = await search({ sort: 'createdAt:asc', limit: 2 });
    await expect(t.fb.users.contacts.search({ sort: 'createdAt:desc', limit: 2, cursor: first.nextCursor! })).rejects.toMatchObject({ status: 400, error: { code: 'invalid_cursor' } });
    // The same axis named in snake_case is the same sort.
    expect((await search({ sort: 'created_at:asc', limit: 2, cursor: first.nextCursor! })).data.map((c) => c.userId)).toEqual(['cy', 'dee']);
    for (const cursor of ['garbage', Buffer.from('{"s":"createdAt:asc","k":"x","q":1}').toString('base64url')]) {
      await expect(t.fb.users.contacts.search({ sort: 'createdAt:asc', cursor })).rejects.toMatchObject({ status: 400, error: { code: 'invalid_cursor' } });
    }
  });

  it('refuses negations alone on open fields with query_too_broad, but not on the type enum', async () => {
    for (const query of [
      { field: 'email', operator: '!=', value: 'ada@example.com' },
      { operator: 'AND', value: [{ field: 'externalId', operator: 'NIN', value: ['ada'] }, { field: 'type', operator: '!=', value: 'lead' }] },
    ] as ContactSearchParams['query'][]) {
      await expect(t.fb.users.contacts.search({ query })).rejects.toMatchObject({ status: 400, error: { code: 'query_too_broad' } });
    }
    expect(await userIds({ query: { operator: 'AND', value: [{ field: 'email', operator: '!=', value: 'ada@example.com' }, { field: 'type', operator: '=', value: 'customer' }] } }))
      .toEqual(['bob', 'cy', 'dee', 'eve']);
  });

  it('refuses what it does not support with invalid_payload naming it', async () => {
    const cases: [ContactSearchParams['query'], RegExp][] = [
      [{ operator: 'OR', value: [{ field: 'type', operator: '=', value: 'lead' }] }, /OR/],
      [{ field: 'name', operator: '^', value: 'A' }, /reserved/],
      [{ field: 'phone', operator: '=', value: '1' }, /phone/],
      [{ field: 'email', operator: '~', value: 'a' }, /email takes the operators/],
      [{ field: 'createdAt', operator: '>=', value: 1 }, /createdAt takes/],
      [{ field: 'createdAt', operator: '>', value: 'yesterday' }, /unix seconds/],
      [{ field: 'type', operator: '=', value: 'admin' }, /customer or lead/],
      [{ field: 'email', operator: 'IN', value: 'a@example.com' }, /array/],
      [{ field: 'blocked', operator: '=', value: 'yes' }, /true or false/],
    ];
    for (const [query, message] of cases) {
      const err = await t.fb.users.contacts.search({ query }).catch((e) => e);
      expect(err, JSON.stringify(query)).toMatchObject({ status: 400, error: { code: 'invalid_payload' } });
      expect(err.error.message).toMatch(message);
    }
    const sixteen = Array.from({ length: 16 }, () => ({ field: 'type', operator: '=', value: 'lead' }) as const);
    await expect(t.fb.users.contacts.search({ query: { operator: 'AND', value: sixteen } })).rejects.toMatchObject({ status: 400 });
    await expect(t.fb.users.contacts.search({ limit: 101 })).rejects.toMatchObject({ status: 400 });
    await expect(t.fb.users.contacts.search({ sort: 'name:asc' as never })).rejects.toMatchObject({ status: 400 });
    expect((await http(t.server, 'POST', '/v2/contacts/search', { body: { query: { field: 'name', operator: '~', value: 'x'.repeat(256) } } })).status).toBe(400);
  });

  it('is nova-only and needs the API key', async () => {
    await expect(t.fb.users.contacts.search({ 'Featurebase-Version': '2025-12-12.clover' })).rejects.toMatchObject({ status: 400, error: { code: 'version_not_available' } });
    expect((await http(t.server, 'POST', '/v2/contacts/search', { body: {}, auth: false })).status).toBe(401);
  });
});
