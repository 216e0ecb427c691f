import type { FastifyInstance } from 'fastify';
import { noStore, sendError } from './errors.js';

export interface HealthDeps {
  /** True once the server started (store migrated, first admin made) and until it stops. */
  alive(): boolean;
  storeKind: string;
  /** Readiness with the state of each dependency (server/ops/readiness.ts). */
  readiness(): Promise<{ ready: boolean; checks: Record<string, string> }>;
}

/**
 * `/healthz`: the process is up and serving (a liveness probe; it checks no dependency, so
 * an outage of the database does not get every process restarted). `/readyz`: whether this
 * process should get traffic now: store and Redis reachable, migrations done, not stopping.
 */
export function healthRoutes(app: FastifyInstance, deps: HealthDeps): void {
  app.get('/healthz', (_req, reply) => {
    if (!deps.alive()) return sendError(reply, 'unavailable');
    noStore(reply);
    return { status: 'ok', store: deps.storeKind };
  });
  app.get('/readyz', async (_req, reply) => {
    const { ready, checks } = await deps.readiness();
    noStore(reply);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks });
  });
}
