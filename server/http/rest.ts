import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import type { Core } from '../core/core.js';
import type { RateLimiter } from '../guard/rate-limits.js';
import { keyAccepted } from './api-key.js';
import { requireVersion, resolveVersion } from './api-version.js';
import { noStore, notFoundOrWrongMethod, sendError } from './errors.js';
import { openApiDocument } from './openapi.js';
import { clientAddress } from './request-info.js';
import { registerRoutes, route } from './route.js';
import { adminRoutes } from './routes/admins.js';
import { auditLogRoutes } from './routes/audit-logs.js';
import { contactRoutes } from './routes/contacts.js';
import { conversationRoutes } from './routes/conversations.js';
import { tagRoutes } from './routes/tags.js';
import { protectionRoutes } from './routes/protection.js';
import { webhookRoutes } from './routes/webhooks.js';

export interface RestDeps {
  core: Core;
  config: Config;
  limiter: RateLimiter;
}

/**
 * The `/v2` REST API (register with prefix `/v2`). Every request, unknown paths included,
 * is rate-limited per address, then needs the API key (unless the route is public), then a
 * known Featurebase-Version no older than the route's `minVersion`.
 */
export async function restApi(app: FastifyInstance, { core, config, limiter }: RestDeps): Promise<void> {
  app.setNotFoundHandler(notFoundOrWrongMethod(app));
  app.addHook('onRequest', async (req, reply) => {
    noStore(reply);
    const verdict = await limiter.consume([['restPerIp', clientAddress(req)]]);
    if (!verdict.ok) {
      const seconds = Math.ceil(verdict.retryAfterMs / 1000);
      return sendError(reply.header('retry-after', String(seconds)), 'rate_limited', `Too many requests; retry in ${seconds} s.`);
    }
    const { auth, minVersion } = req.routeOptions.config;
    if (auth !== 'none' && !keyAccepted(req.headers.authorization, config)) {
      return sendError(reply, 'unauthorized', 'Missing or invalid API key: send Authorization: Bearer <key>.');
    }
    requireVersion(resolveVersion(req.headers, config.defaultVersion), minVersion);
  });

  const routes = [
    ...contactRoutes(core), ...conversationRoutes(core), ...webhookRoutes(core), ...auditLogRoutes(core),
    ...adminRoutes(core), ...tagRoutes(core), ...protectionRoutes(core),
    route({
      method: 'GET', url: '/v2/openapi.json', summary: 'This API as an OpenAPI 3.1 document', auth: 'none',
      responses: { 200: 'The OpenAPI document' },
      handler: async () => document,
    }),
  ];
  const document = openApiDocument(routes);
  registerRoutes(app, routes);
}
