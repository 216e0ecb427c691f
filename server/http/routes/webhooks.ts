import { ParleyError } from '../../core/errors.js';
import { isObjectId } from '../../../protocol/schemas/ids.js';
import type { AuditActor } from '../../core/audit.js';
import type { WebhookRecord } from '../../store/store.js';
import { pageParams, requireNova, type ApiContext } from '../context.js';
import { sendJson } from '../respond.js';
import type { Router } from '../router.js';
import { WebhookCreate, WebhookUpdate, parse } from '../schemas.js';

const STATUSES = ['active', 'paused', 'suspended'] as const;

/** Webhook as featurebase-node's `Webhook` type shapes it (the secret included, as Featurebase does). */
export function webhookJson(w: WebhookRecord) {
  return {
    object: 'webhook' as const,
    id: w.id,
    name: w.name,
    url: w.url,
    description: w.description,
    topics: w.topics,
    status: w.status,
    secret: w.secret,
    requestConfig: { timeoutMs: w.timeoutMs, headers: w.headers },
    lastStatus: w.lastStatus,
    health: w.health,
    version: '2026-01-01.nova',
    createdAt: w.createdAt,
    updatedAt: w.updatedAt,
  };
}

function webhookIdParam(ctx: ApiContext): string {
  const id = ctx.params.id;
  if (!isObjectId(id)) throw new ParleyError('invalid_id', `"${String(id).slice(0, 64)}" is not a valid webhook id (expected 24 hex characters).`);
  return id;
}

const apiActor = (ctx: ApiContext): AuditActor => ({ actorType: 'api', request: ctx.request });

/** `/v2/webhooks`: list, create, retrieve, update (PATCH), delete, refresh secret, as the SDK calls them. */
export function webhookRoutes(router: Router<ApiContext>): void {
  router
    .on('GET', '/v2/webhooks', async (ctx) => {
      requireNova(ctx);
      const status = ctx.query.get('status');
      if (status !== null && !(STATUSES as readonly string[]).includes(status)) {
        throw new ParleyError('invalid_payload', 'status must be active, paused or suspended.');
      }
      const page = await ctx.core.webhooks.list({ ...pageParams(ctx), status: (status as (typeof STATUSES)[number]) ?? undefined });
      sendJson(ctx.res, 200, { object: 'list', data: page.items.map(webhookJson), nextCursor: page.nextCursor });
    })
    .on('POST', '/v2/webhooks', async (ctx) => {
      requireNova(ctx);
      const input = parse(WebhookCreate, await ctx.body());
      sendJson(ctx.res, 201, webhookJson(await ctx.core.webhooks.create(input, apiActor(ctx))));
    })
    .on('GET', '/v2/webhooks/:id', async (ctx) => {
      requireNova(ctx);
      sendJson(ctx.res, 200, webhookJson(await ctx.core.webhooks.get(webhookIdParam(ctx))));
    })
    .on('PATCH', '/v2/webhooks/:id', async (ctx) => {
      requireNova(ctx);
      const id = webhookIdParam(ctx);
      const input = parse(WebhookUpdate, await ctx.body());
      sendJson(ctx.res, 200, webhookJson(await ctx.core.webhooks.update(id, input, apiActor(ctx))));
    })
    .on('DELETE', '/v2/webhooks/:id', async (ctx) => {
      requireNova(ctx);
      const id = webhookIdParam(ctx);
      await ctx.core.webhooks.delete(id, apiActor(ctx));
      sendJson(ctx.res, 200, { id, object: 'webhook', deleted: true });
    })
    .on('POST', '/v2/webhooks/:id/secret', async (ctx) => {
      requireNova(ctx);
      sendJson(ctx.res, 200, webhookJson(await ctx.core.webhooks.refreshSecret(webhookIdParam(ctx), apiActor(ctx))));
    });
}
