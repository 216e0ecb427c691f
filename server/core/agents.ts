import { randomBytes } from 'node:crypto';
import { AGENT_ROLES, type AgentRole } from '../../protocol/agents.js';
import type { Contacts } from './contacts.js';
import { ParleyError } from './errors.js';
import { hashPassword, verifyPassword } from './passwords.js';
import type { AgentRecord, InboxQuery, Store } from '../store/store.js';

export interface AgentPolicy {
  /** Roles allowed to block and unblock contacts (PARLEY_BLOCK_ROLES; default admin). */
  blockRoles: readonly AgentRole[];
}

export const MIN_PASSWORD_LENGTH = 10;
const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** `PARLEY_BLOCK_ROLES="admin,agent"` → roles; unset or empty → admin only. Unknown roles throw. */
export function parseBlockRoles(value: string | undefined): AgentRole[] {
  const roles = (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const r of roles) {
    if (!(AGENT_ROLES as readonly string[]).includes(r)) throw new Error(`PARLEY_BLOCK_ROLES: unknown role "${r}"; use ${AGENT_ROLES.join(', ')}`);
  }
  return roles.length ? (roles as AgentRole[]) : ['admin'];
}

// Compared against when the email is unknown, so a miss costs as much as a wrong password.
let dummyHash: Promise<string> | undefined;

/**
 * Console accounts: creation with scrypt-hashed passwords, sign-in, the block permission,
 * and what the inbox reads. Blocks themselves go through Contacts, so the block guarantee
 * and the visitor pushes are the same whoever blocks.
 */
export class Agents {
  constructor(
    private readonly store: Store,
    private readonly contacts: Contacts,
    readonly policy: AgentPolicy = { blockRoles: ['admin'] },
  ) {}

  async create(input: { email: string; name: string; role: AgentRole; password: string }): Promise<AgentRecord> {
    const email = input.email.trim().toLowerCase();
    if (!EMAIL.test(email) || email.length > 320) throw new ParleyError('invalid_payload', 'The email address is invalid.');
    if (!(AGENT_ROLES as readonly string[]).includes(input.role)) throw new ParleyError('invalid_payload', 'role must be admin or agent.');
    if (input.password.length < MIN_PASSWORD_LENGTH) {
      throw new ParleyError('invalid_payload', `The password must have at least ${MIN_PASSWORD_LENGTH} characters.`);
    }
    if (await this.store.findAgentByEmail(email)) throw new ParleyError('conflict', 'An agent with that email already exists.');
    const name = input.name.trim() || email.split('@')[0];
    return this.store.createAgent({ email, name, role: input.role, passwordHash: await hashPassword(input.password) });
  }

  get(id: string) {
    return this.store.getAgent(id);
  }

  list() {
    return this.store.listAgents();
  }

  /** The agent with these credentials, or null (same work whether or not the email exists). */
  async authenticate(email: string, password: string): Promise<AgentRecord | null> {
    const agent = await this.store.findAgentByEmail(email.trim().toLowerCase());
    const ok = await verifyPassword(password, agent?.passwordHash ?? (await (dummyHash ??= hashPassword(randomBytes(16).toString('hex')))));
    return agent && ok ? agent : null;
  }

  canBlock(agent: Pick<AgentRecord, 'role'>): boolean {
    return this.policy.blockRoles.includes(agent.role);
  }

  private assertCanBlock(agent: AgentRecord) {
    if (!this.canBlock(agent)) {
      throw new ParleyError('forbidden', `Agents with the ${agent.role} role may not block or unblock contacts.`);
    }
  }

  /** Blocks through Contacts.block, recorded as this agent. */
  block(agent: AgentRecord, contactId: string, reason?: string | null) {
    this.assertCanBlock(agent);
    return this.contacts.block(contactId, { actorType: 'admin', actorId: agent.id }, reason);
  }

  unblock(agent: AgentRecord, contactId: string, reason?: string | null) {
    this.assertCanBlock(agent);
    return this.contacts.unblock(contactId, { actorType: 'admin', actorId: agent.id }, reason);
  }

  inbox(agentId: string, query: Omit<InboxQuery, 'agentId'>) {
    return this.store.listInbox({ ...query, agentId });
  }

  markRead(agentId: string, conversationId: string) {
    return this.store.markConversationRead(agentId, conversationId);
  }

  /** Display names of agents by id (for block history and message authors). */
  async names(): Promise<Map<string, string>> {
    return new Map((await this.store.listAgents()).map((a) => [a.id, a.name]));
  }
}

/**
 * First start: with no agents at all, creates an admin and returns its credentials (to be
 * printed once). Returns null when any agent exists, or when another process won the race.
 */
export async function ensureFirstAdmin(agents: Agents, store: Store, opts: { email?: string; password?: string } = {}) {
  if ((await store.countAgents()) > 0) return null;
  const email = (opts.email || 'admin@parley.local').toLowerCase();
  const password = opts.password || randomBytes(12).toString('base64url');
  try {
    await agents.create({ email, name: 'Admin', role: 'admin', password });
  } catch (err) {
    if (await store.findAgentByEmail(email)) return null;
    throw err;
  }
  return { email, password };
}
