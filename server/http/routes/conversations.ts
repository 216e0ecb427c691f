import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  ConversationCreate, ConversationParams, ConversationRedact, ConversationReply, ConversationSearchBody, ConversationTagParams, ConversationUpdate, TagAttach, TagDetach,
} from '../../../protocol/schemas/rest.js';
import { PageQuery } from '../../../protocol/schemas/query.js';
import type { AuditActor } from '../../core/audit.js';
import { searchClauses } from '../../core/conversation-search.js';
import type { Core } from '../../core/core.js';
import { ParleyError } from '../../core/errors.js';
import { attachedTagJson, searchRowJson } from '../../presenters/conversations.js';
import { heldMessageJson } from '../../presenters/protection.js';
import { conversationJson, partJson } from '../../presenters/rest.js';
import type { ConversationRecord, HeldMessageRecord } from '../../store/store.js';
import { requestInfo } from '../request-info.js';
import { route } from '../route.js';

/** Who acts: the admin the caller names (checked to be an active one), else the API key. */
const actorOf = (req: FastifyRequest, actingAdminId?: string): AuditActor =>
  actingAdminId ? { actorType: 'admin', actorId: actingAdminId, request: requestInfo(req) } : { actorType: 'api', request: requestInfo(req) };

const HELD = "A contact's message held by a protection rule (Parley extension): the held_message, in no conversation until released";

/** A contact's message that a rule held: 202 and the held message (the caller is the business, not the visitor). */
const held = (reply: FastifyReply, h: HeldMessageRecord) => {
  reply.code(202);
  return heldMessageJson(h);
};

/** `/v2/conversations`: Featurebase's conversations API (both versions). */
export function conversationRoutes(core: Core) {
  const present = async (c: ConversationRecord, withParts = false) => {
    const [contact, tags, parts] = await Promise.all([
      core.contacts.find(c.contactId),
      core.tags.of([c.id]),
      withParts ? core.conversations.parts(c.id, { includeNotes: true }) : undefined,
    ]);
    return conversationJson(c, contact, parts, tags.get(c.id));
  };
  /** Conversations of a page with their contacts and tags, in two queries. */
  const related = async (items: ConversationRecord[]) => {
    const [contacts, tags] = await Promise.all([core.contacts.findMany(items.map((c) => c.contactId)), core.tags.of(items.map((c) => c.id))]);
    return { contactOf: (c: ConversationRecord) => contacts.get(c.contactId) ?? null, tagsOf: (c: ConversationRecord) => tags.get(c.id) ?? [] };
  };

  return [
    route({
      method: 'GET', url: '/v2/conversations', summary: 'List conversations, newest activity first', auth: 'bearer',
      query: PageQuery, responses: { 200: 'A page of conversations' },
      handler: async ({ query }) => {
        const page = await core.conversations.list(query);
        const { contactOf, tagsOf } = await related(page.items);
        const data = page.items.map((c) => conversationJson(c, contactOf(c), undefined, tagsOf(c)));
        return { object: 'list', data, nextCursor: page.nextCursor };
      },
    }),
    route({
      method: 'POST', url: '/v2/conversations', summary: 'Start a conversation as a contact or an admin', auth: 'bearer',
      body: ConversationCreate, responses: { 201: 'The conversation with its first part', 202: HELD },
      errors: ['contact_not_found', 'contact_blocked', 'message_too_long', 'admin_not_found'],
      handler: async ({ body: input }, reply) => {
        let sent;
        if (input.from.type === 'contact') {
          const contact = await core.contacts.get(input.from.id);
          const result = await core.messages.sendAsContact({
            contactId: contact.id, contactType: contact.type, body: input.bodyMarkdown, newConversation: true,
          });
          if (result.held) return held(reply, result.held);
          sent = result.sent;
        } else {
          const to = input.recipients?.to.ids?.[0];
          if (!to) throw new ParleyError('invalid_payload', 'Invalid request: recipients.to.ids must name the contact to write to.');
          const admin = await core.agents.admin(input.from.id);
          await core.contacts.get(to);
          sent = await core.messages.sendAsAdmin({
            adminId: admin.id, adminName: admin.name, contactId: to, body: input.bodyMarkdown, messageType: 'reply', newConversation: true,
          });
        }
        if (input.subject) sent.conversation = await core.conversations.update(sent.conversation.id, { title: input.subject });
        reply.code(201);
        return present(sent.conversation, true);
      },
    }),
    route({
      method: 'POST', url: '/v2/conversations/search', summary: 'Search conversations: filter AST, text, sort, cursor', auth: 'bearer',
      body: ConversationSearchBody, responses: { 200: 'A page of slim conversation rows' }, errors: ['query_too_broad'],
      handler: async ({ body }) => {
        const page = await core.conversations.search({
          clauses: searchClauses(body.query),
          text: body.search,
          order: body.sort?.endsWith(':asc') ? 'asc' : 'desc',
          limit: body.limit,
          cursor: body.cursor,
        });
        const { contactOf, tagsOf } = await related(page.items);
        return { object: 'list', data: page.items.map((c) => searchRowJson(c, contactOf(c), tagsOf(c))), nextCursor: page.nextCursor };
      },
    }),
    route({
      method: 'POST', url: '/v2/conversations/redact', summary: 'Redact a conversation part: its body is removed everywhere', auth: 'bearer',
      body: ConversationRedact, responses: { 200: 'The conversation with its parts' },
      errors: ['conversation_not_found', 'conversation_part_not_found', 'admin_not_found'],
      handler: async (req) => {
        const { conversationId, conversationPartId, actingAdminId } = req.body;
        await core.conversations.redact(conversationId, conversationPartId, actorOf(req, actingAdminId));
        return present(await core.conversations.get(conversationId), true);
      },
    }),
    route({
      method: 'GET', url: '/v2/conversations/:id', summary: 'Retrieve a conversation with its parts', auth: 'bearer',
      params: ConversationParams, responses: { 200: 'The conversation' }, errors: ['conversation_not_found'],
      handler: async ({ params }) => present(await core.conversations.get(params.id), true),
    }),
    route({
      method: 'PATCH', url: '/v2/conversations/:id', summary: 'Update state (snooze included), title or assignee', auth: 'bearer',
      params: ConversationParams, body: ConversationUpdate, responses: { 200: 'The conversation' }, errors: ['conversation_not_found', 'admin_not_found'],
      handler: async ({ params, body: { state, title, adminAssigneeId, snoozedUntil, actingAdminId } }) => {
        if (actingAdminId) await core.agents.admin(actingAdminId);
        return present(await core.conversations.update(params.id, { state, title, adminAssigneeId, snoozedUntil }));
      },
    }),
    route({
      method: 'DELETE', url: '/v2/conversations/:id', summary: 'Delete a conversation', auth: 'bearer',
      params: ConversationParams, responses: { 200: '{id, object: "conversation", deleted: true}' }, errors: ['conversation_not_found'],
      handler: async ({ params: { id } }) => {
        await core.conversations.delete(id);
        return { id, object: 'conversation', deleted: true };
      },
    }),
    route({
      method: 'POST', url: '/v2/conversations/:id/reply', summary: 'Reply as the contact, or as an admin (reply or note)', auth: 'bearer',
      params: ConversationParams, body: ConversationReply, responses: { 201: 'The new conversation part', 202: HELD },
      errors: ['conversation_not_found', 'contact_not_found', 'contact_blocked', 'forbidden', 'message_too_long', 'admin_not_found'],
      handler: async ({ params: { id }, body: input }, reply) => {
        const conversation = await core.conversations.get(id);
        let sent;
        if (input.type === 'contact') {
          if (!input.id && !input.userId) throw new ParleyError('invalid_payload', 'Invalid request: give the contact id or userId.');
          const contact = input.id ? await core.contacts.get(input.id) : await core.contacts.findByUserId(input.userId!);
          if (!contact) throw new ParleyError('contact_not_found', `No contact with userId ${input.userId}.`);
          if (contact.id !== conversation.contactId) throw new ParleyError('forbidden', 'That contact is not part of this conversation.');
          const result = await core.messages.sendAsContact({ contactId: contact.id, contactType: contact.type, conversationId: id, body: input.bodyMarkdown });
          if (result.held) return held(reply, result.held);
          sent = result.sent;
        } else {
          const admin = await core.agents.admin(input.id);
          sent = await core.messages.sendAsAdmin({ adminId: admin.id, adminName: admin.name, conversationId: id, body: input.bodyMarkdown, messageType: input.messageType });
        }
        reply.code(201);
        return partJson(sent.message);
      },
    }),
    route({
      method: 'POST', url: '/v2/conversations/:id/tags', summary: 'Attach a tag to a conversation', auth: 'bearer',
      params: ConversationParams, body: TagAttach, responses: { 200: 'The tag with when and by whom it was applied' },
      errors: ['conversation_not_found', 'tag_not_found', 'admin_not_found'],
      handler: async ({ params: { id }, body: { tagId, actingAdminId } }) => attachedTagJson(await core.tags.attach(id, tagId, actingAdminId)),
    }),
    route({
      method: 'DELETE', url: '/v2/conversations/:id/tags/:tagId', summary: 'Detach a tag from a conversation', auth: 'bearer',
      params: ConversationTagParams, body: TagDetach, responses: { 200: 'The tag with when it was applied and removed' },
      errors: ['conversation_not_found', 'tag_not_found', 'admin_not_found'],
      handler: async ({ params: { id, tagId }, body: { actingAdminId } }) => {
        const removed = await core.tags.detach(id, tagId, actingAdminId);
        return attachedTagJson(removed, { at: new Date().toISOString(), by: actingAdminId });
      },
    }),
  ];
}
