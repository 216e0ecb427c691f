import { describe, expect, it } from 'vitest';
import { storePerTest, type Backend } from './backend.js';

/** Agents' invitations: found by hash, used once while open and unexpired, revoked, replaced by a resend. */
export function runInvitesContract(backend: Backend) {
  describe(`invites repository: ${backend.name}`, () => {
    const db = storePerTest(backend);

    it('settings: a claimed value is stored once; later claims read the first', async () => {
      expect(await db().settings.claim('deployment', { id: 'first' })).toEqual({ id: 'first' });
      expect(await db().settings.claim('deployment', { id: 'second' })).toEqual({ id: 'first' });
      expect(await db().settings.get('deployment')).toEqual({ id: 'first' });
    });
    it('uses an invitation once, never after expiry or revocation; a resend replaces the token', async () => {
      const agent = await db().agents.create({ email: 'new@example.com', name: 'New', role: 'agent', passwordHash: 'x' });
      const now = new Date();
      const later = new Date(now.getTime() + 3600_000).toISOString();
      await db().invites.put(agent.id, 'hash-1', later, now.toISOString());
      expect(await db().invites.byHash('hash-1')).toMatchObject({ agentId: agent.id, expiresAt: later, usedAt: null, revokedAt: null });
      expect(await db().invites.pending()).toHaveLength(1);
      // Past its expiry: not usable.
      expect(await db().invites.use('hash-1', new Date(now.getTime() + 7200_000).toISOString())).toBe(false);
      expect(await db().invites.use('hash-1', now.toISOString())).toBe(true);
      expect(await db().invites.use('hash-1', now.toISOString())).toBe(false);
      expect((await db().invites.byHash('hash-1'))?.usedAt).toEqual(expect.any(String));
      expect(await db().invites.pending()).toHaveLength(0);
      expect(await db().invites.revoke(agent.id, now.toISOString())).toBe(false);

      await db().invites.put(agent.id, 'hash-2', later, now.toISOString());
      expect(await db().invites.byHash('hash-1')).toBeNull();
      expect(await db().invites.revoke(agent.id, now.toISOString())).toBe(true);
      expect(await db().invites.use('hash-2', now.toISOString())).toBe(false);
      expect((await db().invites.get(agent.id))?.revokedAt).toEqual(expect.any(String));
    });
  });
}
