import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

// An id a proxy in front already gave the request is kept (logs then line up), if it is plain.
const INCOMING = /^[A-Za-z0-9._:-]{8,64}$/;

/** The request's id (Fastify's genReqId): the proxy's `X-Request-Id` when well-formed, else a fresh UUID. */
export function requestId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && INCOMING.test(given) ? given : randomUUID();
}
