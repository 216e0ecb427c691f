import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { API_VERSIONS, type ApiVersion, type Config } from '../config.js';
import type { Core } from '../core/core.js';
import { ParleyError } from '../core/errors.js';
import { clientIp } from '../guard/client-ip.js';
import type { RateLimiter } from '../guard/rate-limits.js';
import { readJson } from './body.js';
import type { ApiContext } from './context.js';
import { sendError, sendParleyError } from './respond.js';
import { Router } from './router.js';
import { contactRoutes } from './routes/contacts.js';
import { conversationRoutes } from './routes/conversations.js';
import { auditLogRoutes } from './routes/audit-logs.js';
import { webhookRoutes } from './routes/webhooks.js';

export interface ApiDeps {
  core: Core;
  limiter: RateLimiter;
  config: Config;
  logger: Logger;
  /** Extra route groups (console, webhooks…) mounted on the same router. */
  extraRoutes?: ((router: Router<ApiContext>) => void)[];
}

function bearerMatches(header: string | undefined, apiKey: string): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  if (!m) return false;
  const given = Buffer.from(m[1].trim());
  const want = Buffer.from(apiKey);
  return given.length === want.length && timingSafeEqual(given, want);
}

function resolveVersion(req: IncomingMessage, fallback: ApiVersion): ApiVersion {
  const header = req.headers['featurebase-version'];
  if (header === undefined) return fallback;
  const value = Array.isArray(header) ? header[0] : header;
  if (!(API_VERSIONS as readonly string[]).includes(value)) {
    throw new ParleyError('unsupported_version', `Unsupported Featurebase-Version "${value.slice(0, 40)}"; use one of ${API_VERSIONS.join(', ')}.`);
  }
  return value as ApiVersion;
}

/** The `/v2` REST API: bearer auth, version rules, JSON errors. */
export function createApiHandler(deps: ApiDeps) {
  const router = new Router<ApiContext>();
  contactRoutes(router);
  conversationRoutes(router);
  webhookRoutes(router);
  auditLogRoutes(router);
  for (const mount of deps.extraRoutes ?? []) mount(router);

  return async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    try {
      const ip = clientIp(req, deps.config.trustProxy);
      const verdict = await deps.limiter.consume([['restPerIp', ip]]);
      if (!verdict.ok) {
        const seconds = Math.ceil(verdict.retryAfterMs / 1000);
        return sendError(res, 'rate_limited', `Too many requests; retry in ${seconds} s.`, { 'retry-after': String(seconds) });
      }
      if (!bearerMatches(req.headers.authorization, deps.config.apiKey)) {
        sendError(res, 'unauthorized', 'Missing or invalid API key: send Authorization: Bearer <key>.');
        return;
      }
      const version = resolveVersion(req, deps.config.defaultVersion);
      const match = router.match(req.method ?? 'GET', url.pathname);
      if (match === null) return sendError(res, 'not_found', `No endpoint ${req.method} ${url.pathname}.`);
      if (match === 'method') return sendError(res, 'method_not_allowed', `${req.method} is not allowed on ${url.pathname}.`);
      let body: Promise<unknown> | undefined;
      const ctx: ApiContext = {
        req, res, params: match.params, query: url.searchParams, core: deps.core, version,
        body: () => (body ??= readJson(req)),
        request: { ipAddress: ip, userAgent: req.headers['user-agent']?.slice(0, 300) ?? null },
      };
      await match.handler(ctx);
    } catch (err) {
      if (res.headersSent) return;
      if (!sendParleyError(res, err)) {
        deps.logger.error({ err, method: req.method, path: url.pathname }, 'request failed');
        sendError(res, 'internal_error');
      }
    }
  };
}
