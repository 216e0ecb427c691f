import { describe, expect, it } from 'vitest';
import { http, serverWithSdk } from '../support/api.js';
import {
  expectSdkShape, SdkCompany, SdkContact, SdkContactBlockResponse, SdkContactList, SdkContactSearchResponse, SdkContactUnblockResponse, SdkDeletedContact,
} from '../support/sdk-contact-types.js';
import { connectVisitor } from '../support/visitor.js';

const t = serverWithSdk();

/** The JSON body exactly as the server sent it (the SDK's page objects add their own fields). */
const body = async (p: { asResponse(): Promise<Response> }) => (await p.asResponse()).json();

describe('the SDK response schemas themselves', () => {
  const good = { object: 'contact', id: 'a'.repeat(24), name: 'A', type: 'lead', createdAt: '2026-01-01T00:00:00.000Z', blocked: false, blockedAt: null, blockedUntil: null };
  it('accept a minimal contact and refuse null where the SDK declares field?: T, missing, mistyped and undeclared fields', () => {
    expect(expectSdkShape(SdkContact, good)).toEqual(good);
    expect(() => expectSdkShape(SdkContact, { ...good, userId: null })).toThrow(/userId/);
    expect(() => expectSdkShape(SdkContact, { ...good, locale: null })).toThrow(/locale/);
    const { name: _name, ...nameless } = good;
    expect(() => expectSdkShape(SdkContact, nameless)).toThrow(/name/);
    expect(() => expectSdkShape(SdkContact, { ...good, blocked: 'no' })).toThrow(/blocked/);
    expect(() => expectSdkShape(SdkContact, { ...good, phone: '123' })).toThrow(/phone/);
    expect(() => expectSdkShape(SdkContact, { ...good, companies: [{ name: 'Acme' }] })).toThrow(/companies\.0/);
  });
});

describe('every contacts SDK method Parley implements answers exactly its SDK type', () => {
  it('createOrUpdate (created and updated), retrieve, byUserID.retrieve, list, search, block, unblock, byUserID.delete, delete', async () => {
    const created = await t.fb.users.contacts.createOrUpdate({ userId: 'shape-1', email: 'shape@example.com', name: 'Shape', locale: 'fr' });
    expectSdkShape(SdkContact, created);
    expect(created).toMatchObject({ userId: 'shape-1', locale: 'fr', type: 'customer', companies: [] });
    expectSdkShape(SdkContact, await t.fb.users.contacts.createOrUpdate({ userId: 'shape-1', name: 'Shape 2' }));
    expectSdkShape(SdkContact, await t.fb.users.contacts.retrieve(created!.id));
    expectSdkShape(SdkContact, await t.fb.users.contacts.byUserID.retrieve('shape-1'));
    expectSdkShape(SdkContactList, await body(t.fb.users.contacts.list({ contactType: 'all', limit: 100 })));
    expectSdkShape(SdkContactSearchResponse, await t.fb.users.contacts.search({ query: { field: 'externalId', operator: '=', value: 'shape-1' } }));
    expectSdkShape(SdkContactBlockResponse, await t.fb.post(`/v2/contacts/${created!.id}/block`, { body: { expiresAt: new Date(Date.now() + 3_600_000).toISOString() } }));
    const blocked = expectSdkShape(SdkContact, await t.fb.users.contacts.retrieve(created!.id));
    expect(blocked).toMatchObject({ blocked: true, blockedAt: expect.any(String), blockedUntil: expect.any(String) });
    expectSdkShape(SdkContactUnblockResponse, await t.fb.users.contacts.unblock(created!.id));
    expectSdkShape(SdkDeletedContact, await t.fb.users.contacts.byUserID.delete('shape-1'));
    const other = await t.fb.users.contacts.createOrUpdate({ email: 'shape-other@example.com' });
    expectSdkShape(SdkDeletedContact, await t.fb.users.contacts.delete(other!.id));
  });

  it('leaves userId and locale out (never null) for a contact without them, such as a messenger lead', async () => {
    const lead = await connectVisitor(t.server.url);
    const answer = await t.fb.users.contacts.retrieve(lead.session.contact.id);
    expectSdkShape(SdkContact, answer);
    expect(answer).not.toHaveProperty('userId');
    expect(answer).not.toHaveProperty('locale');
    expect(answer).toMatchObject({ type: 'lead', email: null, name: '' });
    lead.close();
  });
});

describe('createOrUpdate fields', () => {
  it('makes an email-only contact a customer (a registered user of the business), shown in the default list', async () => {
    const c = await t.fb.users.contacts.createOrUpdate({ email: 'registered@example.com', name: 'Reg' });
    expect(c).toMatchObject({ type: 'customer', email: 'registered@example.com' });
    expect(c).not.toHaveProperty('userId');
    const ids = [];
    for await (const listed of t.fb.users.contacts.list({ limit: 100 })) ids.push(listed!.id);
    expect(ids).toContain(c!.id);
  });

  it('stores createdAt as given', async () => {
    const c = expectSdkShape(SdkContact, await t.fb.users.contacts.createOrUpdate({ userId: 'since-2020', createdAt: '2020-05-01T12:00:00Z' }));
    expect(c.createdAt).toBe('2020-05-01T12:00:00.000Z');
    expect(expectSdkShape(SdkContact, await t.fb.users.contacts.retrieve(c.id)).createdAt).toBe('2020-05-01T12:00:00.000Z');
  });

  it('refuses phone, roles and subscribedToChangelog with 400 naming the field, storing nothing', async () => {
    for (const [field, value] of [['phone', '+33 1 23 45 67 89'], ['roles', ['vip']], ['subscribedToChangelog', true]] as const) {
      const err = await t.fb.users.contacts.createOrUpdate({ userId: `refused-${field}`, [field]: value }).catch((e) => e);
      expect(err, field).toMatchObject({ status: 400, error: { code: 'invalid_payload' } });
      expect(err.error.message).toContain(`${field}:`);
      await expect(t.fb.users.contacts.byUserID.retrieve(`refused-${field}`)).rejects.toMatchObject({ status: 404 });
    }
  });
});

describe('companies', () => {
  it('answers companies as the SDK Company entity, shared between contacts and counted', async () => {
    const company = { id: 'acme-1', name: 'Acme', companySize: 12, industry: 'Rockets', website: 'https://acme.example', plan: 'pro', monthlySpend: 250, customFields: { plan: 'gold' }, createdAt: '2019-01-01T00:00:00Z' };
    const a = await t.fb.users.contacts.createOrUpdate({ userId: 'co-a', companies: [company] });
    const b = await t.fb.users.contacts.createOrUpdate({ userId: 'co-b', companies: [{ id: 'acme-1', name: 'Acme Corp' }, { id: 'beta', name: 'Beta' }] });
    const [acme] = expectSdkShape(SdkContact, await t.fb.users.contacts.retrieve(a!.id)).companies!;
    expect(expectSdkShape(SdkCompany, acme)).toMatchObject({
      object: 'company', companyId: 'acme-1', name: 'Acme Corp', companySize: 12, industry: 'Rockets', website: 'https://acme.example', plan: 'pro',
      monthlySpend: 250, customFields: { plan: 'gold' }, createdAt: '2019-01-01T00:00:00.000Z', linkedUsers: 2,
    });
    expect(acme.lastActivity).toEqual(expect.any(String));
    expect(b!.companies!.map((c) => [c.companyId, c.id])).toEqual([['acme-1', acme.id], ['beta', expect.any(String)]]);
    // Given again, the list is exactly the contact's companies.
    const moved = await t.fb.users.contacts.createOrUpdate({ userId: 'co-a', companies: [{ id: 'beta', name: 'Beta' }] });
    expect(moved!.companies!.map((c) => [c.companyId, c.linkedUsers])).toEqual([['beta', 2]]);
    // Left out, the companies stay as they were.
    expect((await t.fb.users.contacts.createOrUpdate({ userId: 'co-a', name: 'A' }))!.companies!.map((c) => c.companyId)).toEqual(['beta']);
  });

  it('refuses a company without its id or name, or with a wrong type, naming the field', async () => {
    const cases: [unknown, string][] = [[{ name: 'No id' }, 'companies.0.id'], [{ id: 'x' }, 'companies.0.name'], [{ id: 'x', name: 'X', companySize: 'big' }, 'companies.0.companySize']];
    for (const [company, path] of cases) {
      const res = await http(t.server, 'POST', '/v2/contacts', { body: { userId: 'bad-company', companies: [company] } });
      expect(res.status, path).toBe(400);
      expect(res.json.message).toContain(path);
    }
    const many = Array.from({ length: 51 }, (_, i) => ({ id: `c${i}`, name: `C${i}` }));
    expect((await http(t.server, 'POST', '/v2/contacts', { body: { userId: 'bad-company', companies: many } })).status).toBe(400);
  });
});

describe('the users SDK methods Parley does not implement', () => {
  it('answer 404 not_found (email preferences, the companies resource)', async () => {
    const c = await t.fb.users.contacts.createOrUpdate({ userId: 'refused-calls' });
    const company = 'a'.repeat(24);
    const calls: [string, () => Promise<unknown>][] = [
      ['contacts.emailPreferences.retrieve', () => t.fb.users.contacts.emailPreferences.retrieve(c!.id)],
      ['contacts.emailPreferences.update', () => t.fb.users.contacts.emailPreferences.update(c!.id, { preferences: { all: 'subscribed' } })],
      ['contacts.byUserID.emailPreferences.retrieve', () => t.fb.users.contacts.byUserID.emailPreferences.retrieve('refused-calls')],
      ['contacts.byUserID.emailPreferences.update', () => t.fb.users.contacts.byUserID.emailPreferences.update('refused-calls', { preferences: { all: 'subscribed' } })],
      ['companies.list', () => t.fb.users.companies.list()],
      ['companies.createOrUpdate', () => t.fb.users.companies.createOrUpdate({ companyId: 'x', name: 'X' })],
      ['companies.retrieve', () => t.fb.users.companies.retrieve(company)],
      ['companies.delete', () => t.fb.users.companies.delete(company)],
      ['companies.deleteByCompanyID', () => t.fb.users.companies.deleteByCompanyID('x')],
      ['companies.search', () => t.fb.users.companies.search({})],
      ['companies.contacts.list', () => t.fb.users.companies.contacts.list(company)],
      ['companies.contacts.attach', () => t.fb.users.companies.contacts.attach(company, { contactId: c!.id } as never)],
      ['companies.contacts.remove', () => t.fb.users.companies.contacts.remove(c!.id, { id: company } as never)],
    ];
    for (const [method, call] of calls) await expect(call(), method).rejects.toMatchObject({ status: 404, error: { code: 'not_found' } });
  });
});
