import { decode, type Conn } from '../dialect.js';
import { newObjectId } from '../ids.js';
import type { AgentInput, AgentRecord } from '../store.js';

type Row = Record<string, any>;

const toAgent = (r: Row): AgentRecord => ({
  id: r.id,
  email: r.email,
  name: r.name,
  role: r.role,
  passwordHash: r.password_hash,
  sessionEpoch: Number(r.session_epoch ?? 0),
  deactivatedAt: decode.time(r.deactivated_at),
  createdAt: decode.time(r.created_at)!,
  avatarColor: r.avatar_color ?? null,
  avatarKey: r.avatar_key ?? null,
});

/** Console accounts and their sessions (an epoch that sign-out, deactivation and resets bump). */
export class AgentsRepository {
  constructor(private readonly c: Conn) {}

  /** Rejects a duplicate email (unique, lowercased). */
  async create(input: AgentInput): Promise<AgentRecord> {
    const row = await this.c.db.insertInto('agents').values({
      id: newObjectId(), email: input.email.toLowerCase(), name: input.name, role: input.role, password_hash: input.passwordHash, created_at: new Date().toISOString(),
    }).returningAll().executeTakeFirstOrThrow();
    return toAgent(row);
  }

  async get(id: string): Promise<AgentRecord | null> {
    const r = await this.c.db.selectFrom('agents').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toAgent(r) : null;
  }

  async findByEmail(email: string): Promise<AgentRecord | null> {
    const r = await this.c.db.selectFrom('agents').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
    return r ? toAgent(r) : null;
  }

  async list(): Promise<AgentRecord[]> {
    return (await this.c.db.selectFrom('agents').selectAll().orderBy('created_at').orderBy(this.c.seq).execute()).map(toAgent);
  }

  async count(): Promise<number> {
    const r = await this.c.db.selectFrom('agents').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /** Revokes every console session of the agent (sign-out). */
  async bumpSessionEpoch(agentId: string): Promise<void> {
    await this.c.db.updateTable('agents').set((eb) => ({ session_epoch: eb('session_epoch', '+', 1) })).where('id', '=', agentId).execute();
  }

  /**
   * Deactivates the agent and revokes its sessions (epoch bump) in one step, unless it is the
   * last active admin (`last_admin`; atomic, so two admins cannot deactivate each other).
   * Null for an unknown id.
   */
  deactivate(agentId: string, at: string): Promise<{ status: 'deactivated' | 'unchanged' | 'last_admin'; agent: AgentRecord } | null> {
    return this.c.tx(async ({ db, dialect }) => {
      // The agent and every active admin, locked in id order (no deadlock between two admins
      // deactivating each other); the second waits, then sees the first one's result.
      const rows = await dialect.lock(db.selectFrom('agents').selectAll()
        .where((eb) => eb.or([eb('id', '=', agentId), eb.and([eb('role', '=', 'admin'), eb('deactivated_at', 'is', null)])])).orderBy('id')).execute();
      const r = rows.find((x) => x.id === agentId);
      if (!r) return null;
      if (r.deactivated_at != null) return { status: 'unchanged' as const, agent: toAgent(r) };
      if (r.role === 'admin' && !rows.some((x) => x.id !== agentId && x.role === 'admin' && x.deactivated_at == null)) {
        return { status: 'last_admin' as const, agent: toAgent(r) };
      }
      const updated = await db.updateTable('agents').set((eb) => ({ deactivated_at: at, session_epoch: eb('session_epoch', '+', 1) }))
        .where('id', '=', agentId).returningAll().executeTakeFirstOrThrow();
      return { status: 'deactivated' as const, agent: toAgent(updated) };
    });
  }

  /** Clears `deactivatedAt` (sessions revoked at deactivation stay dead). Null for an unknown id. */
  async reactivate(agentId: string): Promise<{ changed: boolean; agent: AgentRecord } | null> {
    const r = await this.c.db.updateTable('agents').set({ deactivated_at: null }).where('id', '=', agentId).where('deactivated_at', 'is not', null).returningAll().executeTakeFirst();
    if (r) return { changed: true, agent: toAgent(r) };
    const agent = await this.get(agentId);
    return agent ? { changed: false, agent } : null;
  }

  /**
   * Changes the role, unless that leaves no active admin (`last_admin`; under the same locks as
   * deactivate). Null for an unknown id.
   */
  setRole(agentId: string, role: AgentRecord['role']): Promise<{ status: 'changed' | 'unchanged' | 'last_admin'; agent: AgentRecord } | null> {
    return this.c.tx(async ({ db, dialect }) => {
      const rows = await dialect.lock(db.selectFrom('agents').selectAll()
        .where((eb) => eb.or([eb('id', '=', agentId), eb.and([eb('role', '=', 'admin'), eb('deactivated_at', 'is', null)])])).orderBy('id')).execute();
      const r = rows.find((x) => x.id === agentId);
      if (!r) return null;
      if (r.role === role) return { status: 'unchanged' as const, agent: toAgent(r) };
      if (r.role === 'admin' && r.deactivated_at == null && !rows.some((x) => x.id !== agentId && x.role === 'admin' && x.deactivated_at == null)) {
        return { status: 'last_admin' as const, agent: toAgent(r) };
      }
      const updated = await db.updateTable('agents').set({ role }).where('id', '=', agentId).returningAll().executeTakeFirstOrThrow();
      return { status: 'changed' as const, agent: toAgent(updated) };
    });
  }

  /** Display name and initials colour. Null for an unknown id. */
  async setProfile(agentId: string, patch: { name?: string; avatarColor?: number }): Promise<AgentRecord | null> {
    const set = { ...(patch.name !== undefined ? { name: patch.name } : {}), ...(patch.avatarColor !== undefined ? { avatar_color: patch.avatarColor } : {}) };
    if (!Object.keys(set).length) return this.get(agentId);
    const r = await this.c.db.updateTable('agents').set(set).where('id', '=', agentId).returningAll().executeTakeFirst();
    return r ? toAgent(r) : null;
  }

  /** Replaces the agent's picture (base64 WebP) under a new key, or removes it (null). Null for an unknown id. */
  setAvatar(agentId: string, image: string | null): Promise<AgentRecord | null> {
    return this.c.tx(async ({ db }) => {
      await db.deleteFrom('agent_avatars').where('agent_id', '=', agentId).execute();
      const key = image ? newObjectId() : null;
      const r = await db.updateTable('agents').set({ avatar_key: key }).where('id', '=', agentId).returningAll().executeTakeFirst();
      if (!r) return null;
      if (image && key) await db.insertInto('agent_avatars').values({ agent_id: agentId, avatar_key: key, image, created_at: new Date().toISOString() }).execute();
      return toAgent(r);
    });
  }

  /** A picture by its public key (base64 WebP), or null. */
  async avatar(key: string): Promise<string | null> {
    const r = await this.c.db.selectFrom('agent_avatars').select('image').where('avatar_key', '=', key).executeTakeFirst();
    return r?.image ?? null;
  }

  /** Sets a new password hash and revokes every session (epoch bump). Null for an unknown id. */
  async setPassword(agentId: string, passwordHash: string): Promise<AgentRecord | null> {
    const r = await this.c.db.updateTable('agents').set((eb) => ({ password_hash: passwordHash, session_epoch: eb('session_epoch', '+', 1) }))
      .where('id', '=', agentId).returningAll().executeTakeFirst();
    return r ? toAgent(r) : null;
  }
}
