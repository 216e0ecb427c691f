import type { FastifyInstance, FastifyRequest } from 'fastify';
import ipaddr from 'ipaddr.js';
import { keyAccepted, type ApiKeys } from './api-key.js';
import { noStore, sendError } from './errors.js';
import { clientAddress } from './request-info.js';

export interface MetricsRouteDeps {
  scrape(): Promise<{ contentType: string; body: string }>;
  keys: ApiKeys;
  /** PARLEY_METRICS_ALLOW: client addresses (a scrape network) let in without the key; null: none. */
  allow: ((address: string) => boolean) | null;
}

const FORWARDING_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip'];

/**
 * From this machine itself: a loopback peer that forwards no one else's request (a reverse
 * proxy on the same host is loopback too, and its requests come from the internet).
 */
function fromThisMachine(req: FastifyRequest): boolean {
  const peer = req.socket.remoteAddress;
  if (!peer || FORWARDING_HEADERS.some((h) => req.headers[h] !== undefined)) return false;
  try {
    const addr = ipaddr.process(peer);
    return addr.range() === 'loopback';
  } catch {
    return false;
  }
}

/** `GET /metrics` (Prometheus text format): loopback, the REST key, or an allowed scrape network. */
export function metricsRoute(app: FastifyInstance, deps: MetricsRouteDeps): void {
  app.get('/metrics', async (req, reply) => {
    const allowed = fromThisMachine(req) || keyAccepted(req.headers.authorization, deps.keys) || (deps.allow?.(clientAddress(req)) ?? false);
    if (!allowed) return sendError(reply, 'unauthorized', 'Metrics answer this machine, PARLEY_METRICS_ALLOW addresses, or Authorization: Bearer <REST key>.');
    const { contentType, body } = await deps.scrape();
    noStore(reply);
    return reply.type(contentType).send(body);
  });
}
