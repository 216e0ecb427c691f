import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as v from 'valibot';
import type { EmailDeliveryDto } from '../../protocol/agents.js';
import { MessengerSettingsSchema } from '../../protocol/schemas/messenger-settings.js';
import { agentSession } from '../auth/agent-session.js';
import { sameOrigin, sessionFromHeaders } from '../auth/session.js';
import type { Core } from '../core/core.js';
import { ParleyError } from '../core/errors.js';
import { describeIssues } from '../validation.js';
import { noStore, sendError } from './errors.js';

export interface ConsoleMessengerDeps {
  core: Core;
  /** Console session key. */
  key: Buffer;
  delivery: { kind: 'smtp' | 'files'; dir: string | null };
}

/**
 * The console's messenger settings, beside the console API (kept apart from http/console.ts):
 * `GET /console/api/email-delivery` (where follow-up emails go; the directory for admins
 * only) and `GET|PUT /console/api/messenger-settings` (office hours and reply time; admins write).
 */
export function consoleMessengerRoutes(app: FastifyInstance, deps: ConsoleMessengerDeps): void {
  const signedIn = async (req: FastifyRequest, reply: FastifyReply) => {
    noStore(reply);
    const session = await agentSession(deps.core, deps.key, sessionFromHeaders(req.headers));
    if (!session) sendError(reply, 'unauthorized', 'Sign in to the console first.');
    return session?.agent ?? null;
  };

  app.get('/console/api/email-delivery', async (req, reply) => {
    const agent = await signedIn(req, reply);
    if (!agent) return reply;
    const body: EmailDeliveryDto = { transport: deps.delivery.kind, dir: agent.role === 'admin' ? deps.delivery.dir : null };
    return body;
  });

  app.get('/console/api/messenger-settings', async (req, reply) => {
    if (!(await signedIn(req, reply))) return reply;
    return deps.core.messengerSettings.get();
  });

  app.put('/console/api/messenger-settings', async (req, reply) => {
    if (!sameOrigin(req.headers)) return sendError(reply, 'forbidden', 'Cross-origin requests to the console API are refused.');
    const agent = await signedIn(req, reply);
    if (!agent) return reply;
    const parsed = v.safeParse(MessengerSettingsSchema, req.body);
    if (!parsed.success) throw new ParleyError('invalid_payload', `Invalid request: ${describeIssues(parsed.issues)}.`);
    return deps.core.messengerSettings.update(parsed.output, agent);
  });
}
