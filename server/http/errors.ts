import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import * as v from 'valibot';
import { ERRORS, type ErrorCode, type RestError } from '../../protocol/errors.js';
import { ParleyError } from '../core/errors.js';

/** Headers of every JSON answer: never sniffed as something else, never kept by a browser or proxy cache. */
export function noStore(reply: FastifyReply): void {
  reply.header('cache-control', 'no-store').header('x-content-type-options', 'nosniff');
}

/**
 * Whether a client may retry an answer with this status: timeouts, rate limits and server
 * errors only. SDKs built by Stainless (featurebase-node) otherwise retry a 409 too.
 */
export const isRetryable = (status: number) => status === 408 || status === 429 || status >= 500;

/** Featurebase-style error answer from a catalog code; `x-should-retry` tells SDKs whether to try again. */
export function sendError(reply: FastifyReply, code: ErrorCode, message: string = ERRORS[code].message): FastifyReply {
  noStore(reply);
  const body: RestError = { object: 'error', code, message };
  const { status } = ERRORS[code];
  return reply.code(status).header('x-should-retry', String(isRetryable(status))).type('application/json; charset=utf-8').send(body);
}

/** Fastify's own request errors (body parsing, limits) as catalog codes. */
function frameworkCode(err: FastifyError): ErrorCode | null {
  switch (err.statusCode) {
    case 413: return 'payload_too_large';
    case 415: return 'unsupported_media_type';
    case 404: return 'not_found';
    default: return err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500 ? 'invalid_payload' : null;
  }
}

/** The one error handler: catalog errors as they are, Fastify's mapped onto the catalog, anything else a logged 500. */
export function handleErrors(app: FastifyInstance, logger: Logger): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err instanceof ParleyError) return sendError(reply, err.code, err.message);
    const code = frameworkCode(err);
    if (code === 'payload_too_large') return sendError(reply, code, `The request body is larger than ${req.routeOptions.bodyLimit} bytes.`);
    if (code) return sendError(reply, code, code === 'invalid_payload' ? `Invalid request: ${err.message}` : undefined);
    logger.error({ err, reqId: req.id, method: req.method, url: req.url.split('?')[0] }, 'request failed');
    // The id lets whoever got this answer point at the log line.
    return sendError(reply, 'internal_error', `${ERRORS.internal_error.message} (request ${req.id})`);
  });
}

/** A route's path as a pattern whose named groups are its parameters. */
function pathPattern(url: string): RegExp {
  const escaped = url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped.replace(/:([A-Za-z_]\w*)/g, '(?<$1>[^/]+)')}/?$`);
}

/**
 * The 404 handler of an API context: 405 when the path is one of its routes with another
 * method (Fastify itself answers 404), else 404 naming what was asked for. A path is one of
 * the routes only when its parameters are valid there: `POST /v2/contacts/nonsense` is
 * unknown (404), not the contact route with the wrong method.
 */
export function notFoundOrWrongMethod(app: FastifyInstance): (req: FastifyRequest, reply: FastifyReply) => FastifyReply {
  const routes: { pattern: RegExp; params?: v.GenericSchema }[] = [];
  app.addHook('onRoute', (r) => {
    routes.push({ pattern: pathPattern(r.url), params: r.config?.paramsSchema });
  });
  const known = (path: string) => routes.some(({ pattern, params }) => {
    const m = pattern.exec(path);
    return !!m && (!params || v.is(params, { ...m.groups }));
  });
  return (req, reply) => {
    const path = req.url.split('?')[0];
    return known(path)
      ? sendError(reply, 'method_not_allowed', `${req.method} is not allowed on ${path}.`)
      : sendError(reply, 'not_found', `No endpoint ${req.method} ${path}.`);
  };
}
