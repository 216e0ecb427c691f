import type { FastifyRequest } from 'fastify';
import type { RequestInfo } from '../core/audit.js';
import { normalizeIp } from '../guard/client-ip.js';

/** The client's address: Fastify's `request.ip` under PARLEY_TRUST_PROXY (see server/app.ts), as sockets see it. */
export const clientAddress = (req: FastifyRequest): string => (req.ip ? normalizeIp(req.ip) : 'unknown');

/** Caller's address and user agent, for the audit log. */
export const requestInfo = (req: FastifyRequest): RequestInfo => ({
  ipAddress: clientAddress(req),
  userAgent: req.headers['user-agent']?.slice(0, 300) ?? null,
});
