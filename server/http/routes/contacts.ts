import * as v from 'valibot';
import { ParleyError } from '../../core/errors.js';
import { contactIdParam, pageParams, requireNova, type ApiContext } from '../context.js';
import { sendJson } from '../respond.js';
import type { Router } from '../router.js';
import { BlockBody, ContactUpsert, UnblockBody, parse } from '../schemas.js';
import { contactJson } from '../../presenters/rest.js';

const CONTACT_TYPES = ['customer', 'lead', 'all'] as const;

export function contactRoutes(router: Router<ApiContext>): void {
  router
    .on('GET', '/v2/contacts', async (ctx) => {
      requireNova(ctx);
      const type = ctx.query.get('contactType') ?? 'customer';
      if (!(CONTACT_TYPES as readonly string[]).includes(type)) {
        throw new ParleyError('invalid_payload', 'contactType must be customer, lead or all.');
      }
      const page = await ctx.core.contacts.list({ type: type as (typeof CONTACT_TYPES)[number], ...pageParams(ctx) });
      sendJson(ctx.res, 200, { object: 'list', data: page.items.map(contactJson), nextCursor: page.nextCursor });
    })
    .on('POST', '/v2/contacts', async (ctx) => {
      requireNova(ctx);
      const { userHash: _ignored, ...fields } = parse(ContactUpsert, await ctx.body());
      const { contact, created } = await ctx.core.contacts.createOrUpdate(fields);
      sendJson(ctx.res, created ? 201 : 200, contactJson(contact));
    })
    .on('GET', '/v2/contacts/:id', async (ctx) => {
      requireNova(ctx);
      sendJson(ctx.res, 200, contactJson(await ctx.core.contacts.get(contactIdParam(ctx))));
    })
    .on('DELETE', '/v2/contacts/:id', async (ctx) => {
      requireNova(ctx);
      const id = contactIdParam(ctx);
      await ctx.core.contacts.delete(id);
      sendJson(ctx.res, 200, { id, object: 'contact', deleted: true });
    })
    .on('POST', '/v2/contacts/:id/block', async (ctx) => {
      requireNova(ctx);
      const id = contactIdParam(ctx);
      const { reason, expiresAt, scope, ipBlockMinutes } = parse(BlockBody, await ctx.body());
      await ctx.core.contacts.block(id, { actorType: 'api', request: ctx.request }, reason, {
        expiresAt: expiresAt == null ? expiresAt : new Date(expiresAt).toISOString(), scope, ipBlockMinutes,
      });
      sendJson(ctx.res, 200, { id, object: 'contact', blocked: true });
    })
    .on('POST', '/v2/contacts/:id/unblock', async (ctx) => {
      requireNova(ctx);
      const id = contactIdParam(ctx);
      const { reason } = parse(UnblockBody, await ctx.body());
      await ctx.core.contacts.unblock(id, { actorType: 'api', request: ctx.request }, reason);
      sendJson(ctx.res, 200, { id, object: 'contact', unblocked: true });
    })
    .on('GET', '/v2/contacts/:id/blocks', async (ctx) => {
      requireNova(ctx);
      const id = contactIdParam(ctx);
      await ctx.core.contacts.get(id);
      const events = await ctx.core.contacts.blockHistory(id);
      sendJson(ctx.res, 200, { object: 'list', data: events.map((e) => ({ object: 'block_event', ...e })), nextCursor: null });
    });
}

export type BlockBodyInput = v.InferInput<typeof BlockBody>;
