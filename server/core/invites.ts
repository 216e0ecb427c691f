import { createHmac, randomBytes } from 'node:crypto';
import type { AgentRole } from '../../protocol/agents.js';
import { checkPassword, type AgentActor, type Agents } from './agents.js';
import type { AuditLog } from './audit.js';
import { ParleyError } from './errors.js';
import { generatePassword, hashPassword } from './passwords.js';
import type { InviteRecord } from '../store/repositories/invites.js';
import type { AgentRecord, Store } from '../store/store.js';

/** How long an invitation link works. */
export const INVITE_TTL_MS = 72 * 3600_000;
/** `i1.` and 32 random bytes, base64url. */
const TOKEN = /^i1\.[A-Za-z0-9_-]{43}$/;

/** A fresh invitation: the token goes into the email only, never to the store or the logs. */
export interface IssuedInvite {
  agent: AgentRecord;
  invite: InviteRecord;
  token: string;
}

/**
 * Email invitations of new agents. The admin names the address and role; the account exists
 * at once with a random password nobody knows (so it cannot sign in) and an invitation whose
 * token only the email carries. The store keeps HMAC(invite key, token): a database leak
 * gives no working link. A link works once, for 72 h, until revoked or replaced by a resend.
 */
export class Invites {
  private readonly key: Buffer;

  constructor(private readonly store: Store, private readonly agents: Agents, private readonly audit: AuditLog, key?: Buffer) {
    this.key = key ?? randomBytes(32);
  }

  private hash(token: string): string {
    return createHmac('sha256', this.key).update(token).digest('base64url');
  }

  private async issue(agent: AgentRecord): Promise<IssuedInvite> {
    const token = `i1.${randomBytes(32).toString('base64url')}`;
    const now = Date.now();
    const invite = await this.store.invites.put(agent.id, this.hash(token), new Date(now + INVITE_TTL_MS).toISOString(), new Date(now).toISOString());
    return { agent, invite, token };
  }

  /** Creates the pending account (admins) and its first invitation. */
  async invite(by: AgentActor, input: { email: string; name?: string; role: AgentRole }): Promise<IssuedInvite> {
    const agent = await this.agents.create({ email: input.email, name: input.name ?? '', role: input.role, password: generatePassword() }, by);
    return this.issue(agent);
  }

  /** A new link for a pending agent (the old one stops working), e.g. after it expired. */
  async resend(by: AgentActor, agentId: string): Promise<IssuedInvite> {
    const { agent } = await this.pendingAgent(by, agentId);
    const issued = await this.issue(agent);
    await this.record(by, 'admin.invite_resent', `${by.agent.name} sent a new invitation to ${agent.email}`, agent);
    return issued;
  }

  /** Withdraws a pending agent's link; the account stays (deactivate it, or resend later). */
  async revoke(by: AgentActor, agentId: string): Promise<InviteRecord> {
    const { agent } = await this.pendingAgent(by, agentId);
    if (!(await this.store.invites.revoke(agentId, new Date().toISOString()))) throw new ParleyError('conflict', 'This invitation is already withdrawn.');
    await this.record(by, 'admin.invite_revoked', `${by.agent.name} withdrew the invitation of ${agent.email}`, agent);
    return (await this.store.invites.get(agentId))!;
  }

  /** Who a link invites (for its page), or the catalog error saying why it no longer works. */
  async lookup(token: string): Promise<{ agent: AgentRecord; invite: InviteRecord }> {
    const invite = TOKEN.test(token) ? await this.store.invites.byHash(this.hash(token)) : null;
    const agent = invite && (await this.store.agents.get(invite.agentId));
    if (!invite || !agent || agent.deactivatedAt) throw new ParleyError('invite_invalid');
    if (invite.usedAt) throw new ParleyError('invite_used');
    if (invite.revokedAt) throw new ParleyError('invite_revoked');
    if (Date.parse(invite.expiresAt) <= Date.now()) throw new ParleyError('invite_expired');
    return { agent, invite };
  }

  /** The invitee sets their name and password; the link is spent (once, even when two tabs race). */
  async accept(token: string, input: { name: string; password: string }): Promise<AgentRecord> {
    checkPassword(input.password);
    const { agent } = await this.lookup(token);
    // Spent atomically: of two racing submits one wins; the other is told why the link is dead.
    if (!(await this.store.invites.use(this.hash(token), new Date().toISOString()))) {
      await this.lookup(token);
      throw new ParleyError('invite_used');
    }
    if (input.name.trim()) await this.store.agents.setProfile(agent.id, { name: input.name.trim() });
    const done = (await this.store.agents.setPassword(agent.id, await hashPassword(input.password)))!;
    await this.audit.record({
      action: 'admin.invite_accepted', domain: 'team', description: `${done.name} accepted the invitation of ${done.email}`,
      actor: { actorType: 'admin', actorId: done.id }, resource: { type: 'admin', id: done.id, name: done.email }, metadata: {},
    });
    return done;
  }

  /** Pending invitations by agent id, for the Team list. */
  async pending(): Promise<Map<string, InviteRecord>> {
    return new Map((await this.store.invites.pending()).map((i) => [i.agentId, i]));
  }

  private async pendingAgent(by: AgentActor, agentId: string) {
    if (by.agent.role !== 'admin') throw new ParleyError('forbidden', 'Only admins can manage invitations.');
    const [agent, invite] = await Promise.all([this.store.agents.get(agentId), this.store.invites.get(agentId)]);
    if (!agent) throw new ParleyError('not_found', 'No agent with that id.');
    if (!invite || invite.usedAt) throw new ParleyError('conflict', 'This agent has no pending invitation (they set their password already).');
    if (agent.deactivatedAt) throw new ParleyError('conflict', 'This agent is deactivated; reactivate them first.');
    return { agent, invite };
  }

  private record(by: AgentActor, action: string, description: string, agent: AgentRecord) {
    return this.audit.record({
      action, domain: 'team', description,
      actor: { actorType: 'admin', actorId: by.agent.id, request: by.request }, resource: { type: 'admin', id: agent.id, name: agent.email }, metadata: {},
    });
  }
}
