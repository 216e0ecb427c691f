import type { Core } from '../core/core.js';
import type { AgentRecord } from '../store/store.js';
import { verifySession } from './session.js';

/**
 * The signed-in agent of a console session token (cookie of a request or socket handshake)
 * and when its session ends, or null: the token must be valid and unexpired, from the
 * agent's current session epoch (not from before a sign-out or password change), and the
 * account active.
 */
export async function agentSession(core: Core, key: Buffer, token: string | null | undefined): Promise<{ agent: AgentRecord; expiresAt: number } | null> {
  const session = token ? verifySession(token, key) : null;
  if (!session) return null;
  const agent = await core.agents.get(session.agentId);
  if (!agent || agent.sessionEpoch !== session.epoch || agent.deactivatedAt) return null;
  return { agent, expiresAt: session.expiresAt };
}

/**
 * Signs the token's agent out on every device (the session epoch moves on, so all its
 * tokens die), not just this cookie. Returns the agent's id, or null for no valid session.
 */
export async function signOut(core: Core, key: Buffer, token: string | null | undefined): Promise<string | null> {
  const session = await agentSession(core, key, token);
  if (!session) return null;
  await core.agents.endSessions(session.agent.id);
  return session.agent.id;
}
