import { randomBytes } from 'node:crypto';
import { AGENT_ROLES, MIN_PASSWORD_LENGTH, type AgentRole, type BulkResult } from '../../protocol/agents.js';
import { AuditLog, type RequestInfo } from './audit.js';
import { squareAvatar } from './avatar-image.js';
import type { Contacts } from './contacts.js';
import { ParleyError, toErrorBody } from './errors.js';
import { generatePassword, hashPassword, verifyPassword } from './passwords.js';
import type { AgentRecord, InboxQuery, Store } from '../store/store.js';

export interface AgentPolicy {
  /** Roles allowed to block and unblock contacts (PARLEY_BLOCK_ROLES; default admin). */
  blockRoles: readonly AgentRole[];
}

export { MIN_PASSWORD_LENGTH };
const EMAIL = /^[^\s@]+@[^\s@]+$/;

// Compared against when the email is unknown, so a miss costs as much as a wrong password.
let dummyHash: Promise<string> | undefined;

/** Who changes an account: the signed-in agent, and where the request came from (audit log). */
export interface AgentActor {
  agent: AgentRecord;
  request?: RequestInfo;
}

/** A sign-in attempt: the agent, or why not (a deactivated account is never told apart from a wrong password). */
export type SignInResult = { ok: true; agent: AgentRecord } | { ok: false; reason: 'wrong_credentials' | 'deactivated'; agent: AgentRecord | null };

/** The server's operator, acting from the command line rather than as a console agent. */
const OPERATOR = 'operator' as const;

const agentNotFound = () => new ParleyError('not_found', 'No agent with that id.');

/**
 * The admin an API admin id names: an active console agent. Anything else (an unknown id,
 * a deactivated account) is refused with admin_not_found instead of being stored.
 */
export async function activeAdmin(store: Store, id: string): Promise<AgentRecord> {
  const agent = await store.agents.get(id);
  if (!agent || agent.deactivatedAt) throw new ParleyError('admin_not_found', `No admin with id ${id}.`);
  return agent;
}

/** How old the messenger's view of agents' pictures may be (other processes' changes show within this). */
const AVATAR_CACHE_MS = 10_000;

export function checkPassword(password: string) {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new ParleyError('invalid_payload', `The password must have at least ${MIN_PASSWORD_LENGTH} characters.`);
  }
}

/**
 * Console accounts: creation with scrypt-hashed passwords, sign-in, deactivation and password
 * resets and changes (each in the audit log), the block permission, and what the inbox reads. Blocks themselves go through Contacts, so the block guarantee
 * and the visitor pushes are the same whoever blocks.
 */
export class Agents {
  constructor(
    private readonly store: Store,
    private readonly contacts: Contacts,
    readonly policy: AgentPolicy = { blockRoles: ['admin'] },
    // Stateless over the store, so the default is the same log Core exposes.
    private readonly audit = new AuditLog(store),
  ) {}

  /** A new account; `by` (an admin, from the console) is checked and recorded in the audit log. */
  async create(input: { email: string; name: string; role: AgentRole; password: string }, by?: AgentActor): Promise<AgentRecord> {
    if (by) this.assertAdmin(by.agent, 'add agents');
    const email = input.email.trim().toLowerCase();
    if (!EMAIL.test(email) || email.length > 320) throw new ParleyError('invalid_payload', 'The email address is invalid.');
    if (!(AGENT_ROLES as readonly string[]).includes(input.role)) throw new ParleyError('invalid_payload', 'role must be admin or agent.');
    checkPassword(input.password);
    if (await this.store.agents.findByEmail(email)) throw new ParleyError('conflict', 'An agent with that email already exists.');
    const name = input.name.trim() || email.split('@')[0];
    const agent = await this.store.agents.create({ email, name, role: input.role, passwordHash: await hashPassword(input.password) });
    if (by) await this.record(by, 'admin.created', `${by.agent.name} added ${agent.role} ${agent.email}`, agent, { role: agent.role });
    return agent;
  }

  /**
   * Deactivates (sign-in refused, every session revoked) or reactivates an account. Admins
   * only; never oneself, never the last active admin. The caller closes the agent's sockets.
   */
  async setActive(by: AgentActor, agentId: string, active: boolean): Promise<AgentRecord> {
    this.assertAdmin(by.agent, active ? 'reactivate agents' : 'deactivate agents');
    if (!active && agentId === by.agent.id) throw new ParleyError('forbidden', 'You cannot deactivate your own account.');
    if (active) {
      const res = await this.store.agents.reactivate(agentId);
      if (!res) throw agentNotFound();
      if (res.changed) await this.record(by, 'admin.reactivated', `${by.agent.name} reactivated ${res.agent.email}`, res.agent);
      return res.agent;
    }
    const res = await this.store.agents.deactivate(agentId, new Date().toISOString());
    if (!res) throw agentNotFound();
    if (res.status === 'last_admin') throw new ParleyError('conflict', 'This is the last active admin; make another admin first.');
    if (res.status === 'deactivated') await this.record(by, 'admin.deactivated', `${by.agent.name} deactivated ${res.agent.email}`, res.agent);
    return res.agent;
  }

  /**
   * Changes another agent's role (admins; never one's own, never the last active admin).
   * The caller closes the agent's sockets, which reconnect with the new role.
   */
  async setRole(by: AgentActor, agentId: string, role: AgentRole): Promise<AgentRecord> {
    this.assertAdmin(by.agent, 'change roles');
    if (agentId === by.agent.id) throw new ParleyError('forbidden', 'You cannot change your own role.');
    const res = await this.store.agents.setRole(agentId, role);
    if (!res) throw agentNotFound();
    if (res.status === 'last_admin') throw new ParleyError('conflict', 'This is the last active admin; make another admin first.');
    if (res.status === 'changed') await this.record(by, 'admin.role_changed', `${by.agent.name} made ${res.agent.email} ${role === 'admin' ? 'an admin' : 'an agent'}`, res.agent, { role });
    return res.agent;
  }

  /** One's own display name (visitors see it on replies from now on) and initials colour. */
  async updateProfile(by: AgentActor, patch: { name?: string; avatarColor?: number }): Promise<AgentRecord> {
    const agent = await this.store.agents.setProfile(by.agent.id, patch);
    if (!agent) throw agentNotFound();
    if (patch.name !== undefined && patch.name !== by.agent.name) await this.record(by, 'admin.profile_changed', `${by.agent.name} is now called ${agent.name}`, agent);
    return agent;
  }

  /** One's own picture: cropped to a square and resized here (never stored as uploaded), or removed with null. */
  async setAvatar(by: AgentActor, upload: string | null): Promise<AgentRecord> {
    const agent = await this.store.agents.setAvatar(by.agent.id, upload === null ? null : await squareAvatar(upload));
    if (!agent) throw agentNotFound();
    await this.loadAvatarKeys();
    return agent;
  }

  /**
   * Agents' picture keys by agent id, as last read (at most AVATAR_CACHE_MS old): synchronous,
   * so the messenger's pushes keep their order. A read older than that starts a fresh one.
   */
  avatarKeys(): ReadonlyMap<string, string> {
    if (Date.now() - this.avatarCache.at > AVATAR_CACHE_MS && !this.avatarCache.loading) void this.loadAvatarKeys();
    return this.avatarCache.keys;
  }

  /** Reads every agent's picture key now (also after one's own change on this process). */
  async loadAvatarKeys(): Promise<ReadonlyMap<string, string>> {
    this.avatarCache.loading = true;
    try {
      const keys = new Map((await this.store.agents.list()).filter((a) => a.avatarKey).map((a) => [a.id, a.avatarKey!]));
      this.avatarCache = { at: Date.now(), keys, loading: false };
    } finally {
      this.avatarCache.loading = false;
    }
    return this.avatarCache.keys;
  }

  private avatarCache: { at: number; keys: ReadonlyMap<string, string>; loading: boolean } = { at: 0, keys: new Map(), loading: false };

  /** A picture by its public key (base64 WebP), or null. */
  avatar(key: string) {
    return this.store.agents.avatar(key);
  }

  /**
   * An admin sets another agent's password (or has one generated, returned once) and revokes
   * that agent's sessions. One's own password is changed with `changePassword` (it needs the
   * current one). The caller closes the agent's sockets.
   */
  async resetPassword(by: AgentActor, agentId: string, password?: string | null): Promise<{ agent: AgentRecord; generated: string | null }> {
    this.assertAdmin(by.agent, 'reset passwords');
    if (agentId === by.agent.id) throw new ParleyError('forbidden', 'Change your own password with your current one (Change password).');
    const generated = password ? null : generatePassword();
    checkPassword(password || generated!);
    if (!(await this.store.agents.get(agentId))) throw agentNotFound();
    const agent = await this.store.agents.setPassword(agentId, await hashPassword(password || generated!));
    if (!agent) throw agentNotFound();
    await this.record(by, 'admin.password_reset', `${by.agent.name} reset the password of ${agent.email}`, agent, { generated: !!generated });
    return { agent, generated };
  }

  /**
   * An agent changes their own password: the current one is required; every session is
   * revoked (the caller issues a fresh cookie for this one and closes the sockets).
   */
  async changePassword(by: AgentActor, currentPassword: string, newPassword: string): Promise<AgentRecord> {
    checkPassword(newPassword);
    if (!(await verifyPassword(currentPassword, by.agent.passwordHash))) throw new ParleyError('forbidden', 'The current password is wrong.');
    const agent = await this.store.agents.setPassword(by.agent.id, await hashPassword(newPassword));
    if (!agent) throw agentNotFound();
    await this.record(by, 'admin.password_changed', `${agent.name} changed their password`, agent);
    return agent;
  }

  get(id: string) {
    return this.store.agents.get(id);
  }

  /**
   * The server's operator at the command line (`parley agents …`), for when no admin can sign
   * in: sets a password (or generates one, returned once) by email and revokes that agent's
   * sessions. No admin is needed; the audit log records it as done by Parley (cli).
   */
  async operatorResetPassword(email: string, password?: string | null): Promise<{ agent: AgentRecord; generated: string | null }> {
    const found = await this.byEmail(email);
    const generated = password ? null : generatePassword();
    checkPassword(password || generated!);
    const agent = await this.store.agents.setPassword(found.id, await hashPassword(password || generated!));
    if (!agent) throw agentNotFound();
    await this.record(OPERATOR, 'admin.password_reset', `The operator reset the password of ${agent.email} (command line)`, agent, { generated: !!generated });
    return { agent, generated };
  }

  /** The operator deactivates an account by email (never the last active admin); its sessions die with it. */
  async operatorDeactivate(email: string): Promise<AgentRecord> {
    const found = await this.byEmail(email);
    const res = await this.store.agents.deactivate(found.id, new Date().toISOString());
    if (!res) throw agentNotFound();
    if (res.status === 'last_admin') throw new ParleyError('conflict', 'This is the last active admin; make another admin first.');
    if (res.status === 'deactivated') await this.record(OPERATOR, 'admin.deactivated', `The operator deactivated ${res.agent.email} (command line)`, res.agent);
    return res.agent;
  }

  private async byEmail(email: string): Promise<AgentRecord> {
    const agent = await this.store.agents.findByEmail(email.trim().toLowerCase());
    if (!agent) throw new ParleyError('not_found', `No agent with the email ${email}.`);
    return agent;
  }


  /** Ends every session of the agent (all devices): tokens from before carry an old epoch. */
  endSessions(id: string) {
    return this.store.agents.bumpSessionEpoch(id);
  }

  list() {
    return this.store.agents.list();
  }

  /** The REST API's admins: the active agents. */
  async admins(): Promise<AgentRecord[]> {
    return (await this.store.agents.list()).filter((a) => !a.deactivatedAt);
  }

  /** One REST admin (admin_not_found unless an active agent). */
  admin(id: string): Promise<AgentRecord> {
    return activeAdmin(this.store, id);
  }

  /** Checks credentials (same work whether or not the email exists); a deactivated account never signs in. */
  async authenticate(email: string, password: string): Promise<SignInResult> {
    const agent = await this.store.agents.findByEmail(email.trim().toLowerCase());
    const ok = await verifyPassword(password, agent?.passwordHash ?? (await (dummyHash ??= hashPassword(randomBytes(16).toString('hex')))));
    if (!agent || !ok) return { ok: false, reason: 'wrong_credentials', agent };
    return agent.deactivatedAt ? { ok: false, reason: 'deactivated', agent } : { ok: true, agent };
  }

  private assertAdmin(agent: AgentRecord, what: string) {
    if (agent.role !== 'admin') throw new ParleyError('forbidden', `Only admins can ${what}.`);
  }

  private record(by: AgentActor | typeof OPERATOR, action: string, description: string, agent: AgentRecord, metadata: Record<string, unknown> = {}) {
    return this.audit.record({
      action,
      domain: 'team',
      description,
      actor: by === OPERATOR ? { actorType: 'system', actorId: 'cli' } : { actorType: 'admin', actorId: by.agent.id, request: by.request },
      resource: { type: 'admin', id: agent.id, name: agent.email },
      metadata,
    });
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

  /**
   * Blocks or unblocks several contacts, one transaction each (the same path as a single
   * block), so one failure names its contact and leaves the others done. A role that may not
   * block is refused as a whole before anything changes.
   */
  async setBlockedMany(agent: AgentRecord, contactIds: readonly string[], blocked: boolean, reason?: string | null): Promise<BulkResult[]> {
    this.assertCanBlock(agent);
    const results: BulkResult[] = [];
    for (const contactId of new Set(contactIds)) {
      try {
        await (blocked ? this.block(agent, contactId, reason) : this.unblock(agent, contactId, reason));
        results.push({ contactId, ok: true });
      } catch (err) {
        results.push({ contactId, ok: false, error: toErrorBody(err) });
      }
    }
    return results;
  }

  /** The agent's inbox; `assignee` `me` is this agent's conversations, `unassigned` nobody's. */
  inbox(agentId: string, { assignee, ...query }: Omit<InboxQuery, 'agentId' | 'assigneeId'> & { assignee?: 'me' | 'unassigned' }) {
    const assigneeId = assignee === 'me' ? agentId : assignee === 'unassigned' ? null : undefined;
    return this.store.conversations.listInbox({ ...query, agentId, ...(assigneeId !== undefined ? { assigneeId } : {}) });
  }

  markRead(agentId: string, conversationId: string) {
    return this.store.conversations.markRead(agentId, conversationId);
  }

  /** Display names of agents by id (for block history and message authors); `only`: just these. */
  async names(only?: readonly string[]): Promise<Map<string, string>> {
    const agents = only ? (await Promise.all(only.map((id) => this.store.agents.get(id)))).filter((a) => a !== null) : await this.store.agents.list();
    return new Map(agents.map((a) => [a.id, a.name]));
  }
}

/**
 * First start: with no agents at all, creates an admin and returns its credentials (to be
 * printed once). Returns null when any agent exists, or when another process won the race.
 */
export async function ensureFirstAdmin(agents: Agents, store: Store, opts: { email?: string; password?: string } = {}) {
  if ((await store.agents.count()) > 0) return null;
  const email = (opts.email || 'admin@parley.local').toLowerCase();
  const password = opts.password || randomBytes(12).toString('base64url');
  try {
    await agents.create({ email, name: 'Admin', role: 'admin', password });
  } catch (err) {
    if (await store.agents.findByEmail(email)) return null;
    throw err;
  }
  return { email, password };
}
