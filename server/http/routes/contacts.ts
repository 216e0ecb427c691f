import { BlockBody, ByUserIdParams, ContactListQuery, ContactParams, ContactSearchBody, ContactUpsert, UnblockBody } from '../../../protocol/schemas/rest.js';
import type { Core } from '../../core/core.js';
import { contactJson } from '../../presenters/rest.js';
import type { ContactRecord } from '../../store/store.js';
import { requestInfo } from '../request-info.js';
import { route } from '../route.js';

const NOVA = '2026-01-01.nova';

/** `/v2/contacts`: Featurebase's contacts API (nova only) plus Parley's block endpoints. */
export const contactRoutes = (core: Core) => {
  /** Contacts as the SDK's `Contact`, with their companies (read in one query for the lot). */
  const present = async (contacts: ContactRecord[]) => {
    const companies = await core.contacts.companiesOf(contacts.map((c) => c.id));
    return contacts.map((c) => contactJson(c, companies.get(c.id)));
  };
  const presentOne = async (contact: ContactRecord) => (await present([contact]))[0];
  return [
    route({
      method: 'GET', url: '/v2/contacts', summary: 'List contacts, newest first', auth: 'bearer', minVersion: NOVA,
      query: ContactListQuery, responses: { 200: 'A page of contacts' },
      handler: async ({ query: { contactType, limit, cursor } }) => {
        const page = await core.contacts.list({ type: contactType, limit, cursor });
        return { object: 'list', data: await present(page.items), nextCursor: page.nextCursor };
      },
    }),
    route({
      method: 'POST', url: '/v2/contacts/search', summary: 'Search contacts with a filter AST, a sort and a cursor', auth: 'bearer', minVersion: NOVA,
      body: ContactSearchBody, responses: { 200: 'A page of matching contacts with totalCount' }, errors: ['query_too_broad', 'invalid_cursor'],
      handler: async ({ body }) => {
        const page = await core.contacts.search(body);
        return { object: 'list', data: await present(page.items), nextCursor: page.nextCursor, totalCount: page.totalCount, totalCountCapped: page.totalCountCapped };
      },
    }),
    route({
      method: 'GET', url: '/v2/contacts/by-user-id/:userId', summary: 'Retrieve a customer by your own user id', auth: 'bearer', minVersion: NOVA,
      params: ByUserIdParams, responses: { 200: 'The contact' }, errors: ['contact_not_found'],
      handler: async ({ params }) => presentOne(await core.contacts.getByUserId(params.userId)),
    }),
    route({
      method: 'DELETE', url: '/v2/contacts/by-user-id/:userId', summary: 'Delete a customer by your own user id', auth: 'bearer', minVersion: NOVA,
      params: ByUserIdParams, responses: { 200: '{id, object: "contact", deleted: true}' }, errors: ['contact_not_found'],
      handler: async ({ params }) => ({ id: await core.contacts.deleteByUserId(params.userId), object: 'contact', deleted: true }),
    }),
    route({
      method: 'POST', url: '/v2/contacts', summary: 'Create or update a contact by userId, then email', auth: 'bearer', minVersion: NOVA,
      body: ContactUpsert, responses: { 200: 'The updated contact', 201: 'The created contact' }, errors: ['conflict'],
      handler: async (req, reply) => {
        const { userHash: _ignored, phone: _p, roles: _r, subscribedToChangelog: _s, companies, ...fields } = req.body;
        const { contact, created } = await core.contacts.createOrUpdate({
          ...fields,
          companies: companies?.map(({ id, companyHash: _hash, ...company }) => ({ ...company, companyId: id })),
        });
        reply.code(created ? 201 : 200);
        return presentOne(contact);
      },
    }),
    route({
      method: 'GET', url: '/v2/contacts/:id', summary: 'Retrieve a contact', auth: 'bearer', minVersion: NOVA,
      params: ContactParams, responses: { 200: 'The contact' }, errors: ['contact_not_found'],
      handler: async ({ params }) => presentOne(await core.contacts.get(params.id)),
    }),
    route({
      method: 'DELETE', url: '/v2/contacts/:id', summary: 'Delete a contact and its conversations', auth: 'bearer', minVersion: NOVA,
      params: ContactParams, responses: { 200: '{id, object: "contact", deleted: true}' }, errors: ['contact_not_found'],
      handler: async ({ params: { id } }) => {
        await core.contacts.delete(id);
        return { id, object: 'contact', deleted: true };
      },
    }),
    route({
      method: 'POST', url: '/v2/contacts/:id/block', summary: 'Block a contact (idempotent)', auth: 'bearer', minVersion: NOVA,
      params: ContactParams, body: BlockBody, responses: { 200: '{id, object: "contact", blocked: true}' }, errors: ['contact_not_found'],
      handler: async (req) => {
        const { id } = req.params;
        const { reason, expiresAt, scope, ipBlockMinutes } = req.body;
        await core.contacts.block(id, { actorType: 'api', request: requestInfo(req) }, reason, { expiresAt, scope, ipBlockMinutes });
        return { id, object: 'contact', blocked: true };
      },
    }),
    route({
      method: 'POST', url: '/v2/contacts/:id/unblock', summary: 'Unblock a contact (idempotent)', auth: 'bearer', minVersion: NOVA,
      params: ContactParams, body: UnblockBody, responses: { 200: '{id, object: "contact", unblocked: true}' }, errors: ['contact_not_found'],
      handler: async (req) => {
        const { id } = req.params;
        await core.contacts.unblock(id, { actorType: 'api', request: requestInfo(req) }, req.body.reason);
        return { id, object: 'contact', unblocked: true };
      },
    }),
    route({
      method: 'GET', url: '/v2/contacts/:id/blocks', summary: "A contact's block history (Parley extension)", auth: 'bearer', minVersion: NOVA,
      params: ContactParams, responses: { 200: 'A list of block events' }, errors: ['contact_not_found'],
      handler: async ({ params: { id } }) => {
        await core.contacts.get(id);
        const events = await core.contacts.blockHistory(id);
        return { object: 'list', data: events.map((e) => ({ object: 'block_event', ...e })), nextCursor: null };
      },
    }),
  ];
};
