import { decode, type Conn } from '../dialect.js';

/** An agent's invitation as stored (never the token itself). */
export interface InviteRecord {
  agentId: string;
  expiresAt: string;
  sentAt: string;
  usedAt: string | null;
  revokedAt: string | null;
}

const record = (r: { agent_id: string; expires_at: unknown; sent_at: unknown; used_at: unknown; revoked_at: unknown }): InviteRecord => ({
  agentId: r.agent_id,
  expiresAt: decode.time(r.expires_at)!,
  sentAt: decode.time(r.sent_at)!,
  usedAt: decode.time(r.used_at),
  revokedAt: decode.time(r.revoked_at),
});

/** Agents' email invitations: one row per agent, replaced by a resend; a token is found by its hash. */
export class InvitesRepository {
  constructor(private readonly c: Conn) {}

  /** A new (or resent) invitation: the old token stops working, used and revoked are cleared. */
  async put(agentId: string, tokenHash: string, expiresAt: string, sentAt: string): Promise<InviteRecord> {
    const row = { token_hash: tokenHash, expires_at: expiresAt, sent_at: sentAt, used_at: null, revoked_at: null };
    await this.c.db.insertInto('agent_invites').values({ agent_id: agentId, ...row }).onConflict((oc) => oc.column('agent_id').doUpdateSet(row)).execute();
    return { agentId, expiresAt, sentAt, usedAt: null, revokedAt: null };
  }

  async byHash(tokenHash: string): Promise<InviteRecord | null> {
    const r = await this.c.db.selectFrom('agent_invites').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    return r ? record(r) : null;
  }

  async get(agentId: string): Promise<InviteRecord | null> {
    const r = await this.c.db.selectFrom('agent_invites').selectAll().where('agent_id', '=', agentId).executeTakeFirst();
    return r ? record(r) : null;
  }

  /** Marks the invitation used if it is still open and unexpired at `now`: true for exactly one caller. */
  async use(tokenHash: string, now: string): Promise<boolean> {
    const r = await this.c.db.updateTable('agent_invites').set({ used_at: now })
      .where('token_hash', '=', tokenHash).where('used_at', 'is', null).where('revoked_at', 'is', null).where('expires_at', '>', now)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Revokes an open invitation; false when there was none open. */
  async revoke(agentId: string, now: string): Promise<boolean> {
    const r = await this.c.db.updateTable('agent_invites').set({ revoked_at: now })
      .where('agent_id', '=', agentId).where('used_at', 'is', null).where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Agents still waiting to accept (not used), with their invitation. */
  async pending(): Promise<InviteRecord[]> {
    return (await this.c.db.selectFrom('agent_invites').selectAll().where('used_at', 'is', null).execute()).map(record);
  }
}
