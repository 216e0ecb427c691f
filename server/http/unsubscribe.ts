import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as v from 'valibot';
import { UnsubscribeQuerySchema } from '../../protocol/schemas/email.js';
import { ERRORS } from '../../protocol/errors.js';
import type { Core } from '../core/core.js';
import type { RateLimiter } from '../guard/rate-limits.js';
import { readUnsubscribe, verifyUnsubscribe } from '../auth/unsubscribe-token.js';
import { noStore } from './errors.js';
import { clientAddress } from './request-info.js';

export const UNSUBSCRIBE_PATH = '/email/unsubscribe';

const page = (title: string, text: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title></head><body><main><h1>${title}</h1><p>${text}</p></main></body></html>`;

/**
 * The unsubscribe link of follow-up emails. A plain GET works (the link as clicked), and so
 * does POST (RFC 8058 one-click, sent by mail clients). Answers a small HTML page; rate
 * limited per client address; the token is MACed with its own derived key and expires.
 */
export function unsubscribeRoute(app: FastifyInstance, deps: { core: Core; limiter: RateLimiter; key: Buffer }): void {
  const handle = async (req: FastifyRequest, reply: FastifyReply) => {
    noStore(reply);
    reply.type('text/html; charset=utf-8');
    const verdict = await deps.limiter.consume([['emailPerIp', clientAddress(req)]]);
    if (!verdict.ok) {
      const seconds = Math.ceil(verdict.retryAfterMs / 1000);
      return reply.code(ERRORS.rate_limited.status).header('retry-after', String(seconds)).send(page('Too many requests', `Please try again in ${seconds} seconds.`));
    }
    const query = v.safeParse(UnsubscribeQuerySchema, req.query);
    const token = query.success ? readUnsubscribe(query.output.token) : null;
    const followup = token ? await deps.core.followups.get(token.contactId) : null;
    if (!token || !followup || !verifyUnsubscribe(token, followup.email, deps.key)) {
      return reply.code(ERRORS.unsubscribe_link_invalid.status).header('x-error-code', 'unsubscribe_link_invalid').send(page('Link not valid', ERRORS.unsubscribe_link_invalid.message));
    }
    await deps.core.followups.unsubscribe(token.contactId);
    return reply.send(page('You are unsubscribed', 'You will get no more emails about replies to this conversation. You can still chat with us on our site.'));
  };
  void app.register(async (scope) => {
    // One-click POSTs carry `List-Unsubscribe=One-Click` as a form: accepted and ignored here only.
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 1024 }, (_req, _body, done) => done(null, {}));
    scope.get(UNSUBSCRIBE_PATH, handle);
    scope.post(UNSUBSCRIBE_PATH, handle);
  });
}
