import { ParleyError } from '../../core/errors.js';
import type { ConversationRecord } from '../../store/store.js';
import { conversationIdParam, pageParams, type ApiContext } from '../context.js';
import { sendJson } from '../respond.js';
import type { Router } from '../router.js';
import { ConversationCreate, ConversationReply, ConversationUpdate, parse } from '../schemas.js';
import { conversationJson, partJson } from '../../presenters/rest.js';

async function present(ctx: ApiContext, c: ConversationRecord, withParts = false) {
  const contact = await ctx.core.contacts.find(c.contactId);
  const parts = withParts ? await ctx.core.conversations.parts(c.id, { includeNotes: true }) : undefined;
  return conversationJson(c, contact, parts);
}

/** The console agent's name when the admin id is one, so visitors see who answered. */
async function adminName(ctx: ApiContext, adminId: string): Promise<string | null> {
  return (await ctx.core.agents.get(adminId))?.name ?? null;
}

export function conversationRoutes(router: Router<ApiContext>): void {
  router
    .on('GET', '/v2/conversations', async (ctx) => {
      const page = await ctx.core.conversations.list(pageParams(ctx));
      const contacts = await ctx.core.contacts.findMany(page.items.map((c) => c.contactId));
      const data = page.items.map((c) => conversationJson(c, contacts.get(c.contactId) ?? null));
      sendJson(ctx.res, 200, { object: 'list', data, nextCursor: page.nextCursor });
    })
    .on('POST', '/v2/conversations', async (ctx) => {
      const input = parse(ConversationCreate, await ctx.body());
      let sent;
      if (input.from.type === 'contact') {
        const contact = await ctx.core.contacts.get(input.from.id);
        sent = await ctx.core.messages.sendAsContact({
          contactId: contact.id, contactType: contact.type, body: input.bodyMarkdown, newConversation: true,
        });
      } else {
        const to = input.recipients?.to.ids?.[0];
        if (!to) throw new ParleyError('invalid_payload', 'Invalid request: recipients.to.ids must name the contact to write to.');
        await ctx.core.contacts.get(to);
        sent = await ctx.core.messages.sendAsAdmin({
          adminId: input.from.id, adminName: await adminName(ctx, input.from.id), contactId: to, body: input.bodyMarkdown, messageType: 'reply', newConversation: true,
        });
      }
      if (input.subject) sent.conversation = await ctx.core.conversations.update(sent.conversation.id, { title: input.subject });
      sendJson(ctx.res, 201, await present(ctx, sent.conversation, true));
    })
    .on('GET', '/v2/conversations/:id', async (ctx) => {
      const conversation = await ctx.core.conversations.get(conversationIdParam(ctx));
      sendJson(ctx.res, 200, await present(ctx, conversation, true));
    })
    .on('PATCH', '/v2/conversations/:id', async (ctx) => {
      const id = conversationIdParam(ctx);
      const { state, title, adminAssigneeId } = parse(ConversationUpdate, await ctx.body());
      const conversation = await ctx.core.conversations.update(id, { state, title, adminAssigneeId });
      sendJson(ctx.res, 200, await present(ctx, conversation));
    })
    .on('DELETE', '/v2/conversations/:id', async (ctx) => {
      const id = conversationIdParam(ctx);
      await ctx.core.conversations.delete(id);
      sendJson(ctx.res, 200, { id, object: 'conversation', deleted: true });
    })
    .on('POST', '/v2/conversations/:id/reply', async (ctx) => {
      const id = conversationIdParam(ctx);
      const input = parse(ConversationReply, await ctx.body());
      const conversation = await ctx.core.conversations.get(id);
      let sent;
      if (input.type === 'contact') {
        if (!input.id && !input.userId) throw new ParleyError('invalid_payload', 'Invalid request: give the contact id or userId.');
        const contact = input.id ? await ctx.core.contacts.get(input.id) : await ctx.core.contacts.findByUserId(input.userId!);
        if (!contact) throw new ParleyError('contact_not_found', `No contact with userId ${input.userId}.`);
        if (contact.id !== conversation.contactId) throw new ParleyError('forbidden', 'That contact is not part of this conversation.');
        sent = await ctx.core.messages.sendAsContact({ contactId: contact.id, contactType: contact.type, conversationId: id, body: input.bodyMarkdown });
      } else {
        sent = await ctx.core.messages.sendAsAdmin({ adminId: input.id, adminName: await adminName(ctx, input.id), conversationId: id, body: input.bodyMarkdown, messageType: input.messageType });
      }
      sendJson(ctx.res, 201, partJson(sent.message));
    });
}
