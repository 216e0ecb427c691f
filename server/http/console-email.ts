import type { FastifyInstance } from 'fastify';
import type { EmailDeliveryDto } from '../../protocol/agents.js';
import { agentSession } from '../auth/agent-session.js';
import { sessionFromHeaders } from '../auth/session.js';
import type { Core } from '../core/core.js';
import { noStore, sendError } from './errors.js';

/**
 * `GET /console/api/email-delivery`: where follow-up emails go, so the console can say when
 * they are only written as `.eml` files (no SMTP_URL). The directory is shown to admins only.
 */
export function consoleEmailRoute(app: FastifyInstance, deps: { core: Core; key: Buffer; delivery: { kind: 'smtp' | 'files'; dir: string | null } }): void {
  app.get('/console/api/email-delivery', async (req, reply) => {
    noStore(reply);
    const session = await agentSession(deps.core, deps.key, sessionFromHeaders(req.headers));
    if (!session) return sendError(reply, 'unauthorized', 'Sign in to the console first.');
    const body: EmailDeliveryDto = { transport: deps.delivery.kind, dir: session.agent.role === 'admin' ? deps.delivery.dir : null };
    return body;
  });
}
