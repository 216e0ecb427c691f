import { ConversationCreate, ConversationParams, ConversationReply, ConversationUpdate } from '../../../protocol/schemas/rest.js';
import { PageQuery } from '../../../protocol/schemas/query.js';
import type { Core } from '../../core/core.js';
import { ParleyError } from '../../core/errors.js';
import { conversationJson, partJson } from '../../presenters/rest.js';
import type { ConversationRecord } from '../../store/store.js';
import { route } from '../route.js';

/** `/v2/conversations`: Featurebase's conversations API (both versions). */
export function conversationRoutes(core: Core) {
  const present = async (c: ConversationRecord, withParts = false) => {
    const contact = await core.contacts.find(c.contactId);
    const parts = withParts ? await core.conversations.parts(c.id, { includeNotes: true }) : undefined;
    return conversationJson(c, contact, parts);
  };
  // The console agent's name when the admin id is one, so visitors see who answered.
  const adminName = async (adminId: string) => (await core.agents.get(adminId))?.name ?? null;

  return [
    route({
      method: 'GET', url: '/v2/conversations', summary: 'List conversations, newest activity first', auth: 'bearer',
      query: PageQuery, responses: { 200: 'A page of conversations' },
      handler: async ({ query }) => {
        const page = await core.conversations.list(query);
        const contacts = await core.contacts.findMany(page.items.map((c) => c.contactId));
        const data = page.items.map((c) => conversationJson(c, contacts.get(c.contactId) ?? null));
        return { object: 'list', data, nextCursor: page.nextCursor };
      },
    }),
    route({
      method: 'POST', url: '/v2/conversations', summary: 'Start a conversation as a contact or an admin', auth: 'bearer',
      body: ConversationCreate, responses: { 201: 'The conversation with its first part' },
      errors: ['contact_not_found', 'contact_blocked', 'message_too_long'],
      handler: async ({ body: input }, reply) => {
        let sent;
        if (input.from.type === 'contact') {
          const contact = await core.contacts.get(input.from.id);
          sent = await core.messages.sendAsContact({
            contactId: contact.id, contactType: contact.type, body: input.bodyMarkdown, newConversation: true,
          });
        } else {
          const to = input.recipients?.to.ids?.[0];
          if (!to) throw new ParleyError('invalid_payload', 'Invalid request: recipients.to.ids must name the contact to write to.');
          await core.contacts.get(to);
          sent = await core.messages.sendAsAdmin({
            adminId: input.from.id, adminName: await adminName(input.from.id), contactId: to, body: input.bodyMarkdown, messageType: 'reply', newConversation: true,
          });
        }
        if (input.subject) sent.conversation = await core.conversations.update(sent.conversation.id, { title: input.subject });
        reply.code(201);
        return present(sent.conversation, true);
      },
    }),
    route({
      method: 'GET', url: '/v2/conversations/:id', summary: 'Retrieve a conversation with its parts', auth: 'bearer',
      params: ConversationParams, responses: { 200: 'The conversation' }, errors: ['conversation_not_found'],
      handler: async ({ params }) => present(await core.conversations.get(params.id), true),
    }),
    route({
      method: 'PATCH', url: '/v2/conversations/:id', summary: 'Update state, title or assignee', auth: 'bearer',
      params: ConversationParams, body: ConversationUpdate, responses: { 200: 'The conversation' }, errors: ['conversation_not_found'],
      handler: async ({ params, body: { state, title, adminAssigneeId } }) => present(await core.conversations.update(params.id, { state, title, adminAssigneeId })),
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
      params: ConversationParams, body: ConversationReply, responses: { 201: 'The new conversation part' },
      errors: ['conversation_not_found', 'contact_not_found', 'contact_blocked', 'forbidden', 'message_too_long'],
      handler: async ({ params: { id }, body: input }, reply) => {
        const conversation = await core.conversations.get(id);
        let sent;
        if (input.type === 'contact') {
          if (!input.id && !input.userId) throw new ParleyError('invalid_payload', 'Invalid request: give the contact id or userId.');
          const contact = input.id ? await core.contacts.get(input.id) : await core.contacts.findByUserId(input.userId!);
          if (!contact) throw new ParleyError('contact_not_found', `No contact with userId ${input.userId}.`);
          if (contact.id !== conversation.contactId) throw new ParleyError('forbidden', 'That contact is not part of this conversation.');
          sent = await core.messages.sendAsContact({ contactId: contact.id, contactType: contact.type, conversationId: id, body: input.bodyMarkdown });
        } else {
          sent = await core.messages.sendAsAdmin({ adminId: input.id, adminName: await adminName(input.id), conversationId: id, body: input.bodyMarkdown, messageType: input.messageType });
        }
        reply.code(201);
        return partJson(sent.message);
      },
    }),
  ];
}
