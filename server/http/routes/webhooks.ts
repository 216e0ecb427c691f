import { WebhookCreate, WebhookListQuery, WebhookParams, WebhookUpdate } from '../../../protocol/schemas/rest.js';
import type { AuditActor } from '../../core/audit.js';
import type { Core } from '../../core/core.js';
import { webhookJson } from '../../presenters/rest.js';
import { requestInfo } from '../request-info.js';
import { route } from '../route.js';
import type { FastifyRequest } from 'fastify';

const NOVA = '2026-01-01.nova';
const apiActor = (req: FastifyRequest): AuditActor => ({ actorType: 'api', request: requestInfo(req) });

/** `/v2/webhooks`: list, create, retrieve, update (PATCH), delete, refresh secret, as the SDK calls them. */
export const webhookRoutes = (core: Core) => [
  route({
    method: 'GET', url: '/v2/webhooks', summary: 'List webhooks', auth: 'bearer', minVersion: NOVA,
    query: WebhookListQuery, responses: { 200: 'A page of webhooks' },
    handler: async ({ query: { limit, cursor, status } }) => {
      const page = await core.webhooks.list({ limit, cursor, status });
      return { object: 'list', data: page.items.map(webhookJson), nextCursor: page.nextCursor };
    },
  }),
  route({
    method: 'POST', url: '/v2/webhooks', summary: 'Create a webhook', auth: 'bearer', minVersion: NOVA,
    body: WebhookCreate, responses: { 201: 'The webhook, with its signing secret' },
    handler: async (req, reply) => {
      reply.code(201);
      return webhookJson(await core.webhooks.create(req.body, apiActor(req)));
    },
  }),
  route({
    method: 'GET', url: '/v2/webhooks/:id', summary: 'Retrieve a webhook', auth: 'bearer', minVersion: NOVA,
    params: WebhookParams, responses: { 200: 'The webhook' }, errors: ['webhook_not_found'],
    handler: async ({ params }) => webhookJson(await core.webhooks.get(params.id)),
  }),
  route({
    method: 'PATCH', url: '/v2/webhooks/:id', summary: 'Update a webhook', auth: 'bearer', minVersion: NOVA,
    params: WebhookParams, body: WebhookUpdate, responses: { 200: 'The webhook' }, errors: ['webhook_not_found'],
    handler: async (req) => webhookJson(await core.webhooks.update(req.params.id, req.body, apiActor(req))),
  }),
  route({
    method: 'DELETE', url: '/v2/webhooks/:id', summary: 'Delete a webhook', auth: 'bearer', minVersion: NOVA,
    params: WebhookParams, responses: { 200: '{id, object: "webhook", deleted: true}' }, errors: ['webhook_not_found'],
    handler: async (req) => {
      const { id } = req.params;
      await core.webhooks.delete(id, apiActor(req));
      return { id, object: 'webhook', deleted: true };
    },
  }),
  route({
    method: 'POST', url: '/v2/webhooks/:id/secret', summary: "Replace a webhook's signing secret", auth: 'bearer', minVersion: NOVA,
    params: WebhookParams, responses: { 200: 'The webhook, with its new secret' }, errors: ['webhook_not_found'],
    handler: async (req) => webhookJson(await core.webhooks.refreshSecret(req.params.id, apiActor(req))),
  }),
];
