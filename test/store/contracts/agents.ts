import { describe, expect, it } from 'vitest';
import { storePerTest, type Backend } from './backend.js';

/** Console accounts: lookups, session epochs, deactivation (never the last admin), password resets. Run on every backend unchanged. */
export function runAgentsContract(backend: Backend) {
  describe(`agents repository: ${backend.name}`, () => {
    const db = storePerTest(backend);

    const agent = (email: string, role: 'admin' | 'agent' = 'agent') =>
      db().agents.create({ email, name: email.split('@')[0], role, passwordHash: `scrypt$test$${email}` });

    it('creates agents with 24-hex ids, finds them by id and by email in any case, lists and counts them', async () => {
      expect(await db().agents.count()).toBe(0);
      const a = await agent('Ada@Example.com', 'admin');
      const b = await agent('bob@example.com');
      expect(a.id).toMatch(/^[0-9a-f]{24}$/);
      expect(a).toMatchObject({ email: 'ada@example.com', name: 'Ada', role: 'admin', passwordHash: 'scrypt$test$Ada@Example.com' });
      expect((await db().agents.get(b.id))?.email).toBe('bob@example.com');
      expect((await db().agents.findByEmail('ADA@example.COM'))?.id).toBe(a.id);
      expect(await db().agents.findByEmail('nobody@example.com')).toBeNull();
      expect(await db().agents.get('0'.repeat(24))).toBeNull();
      expect((await db().agents.list()).map((x) => x.id)).toEqual([a.id, b.id]);
      expect(await db().agents.count()).toBe(2);
    });
    it('starts sessions at epoch 0 and bumps the epoch on sign-out, per agent', async () => {
      const a = await db().agents.create({ email: 'epoch-a@example.com', name: 'A', role: 'agent', passwordHash: 'scrypt$x' });
      const b = await db().agents.create({ email: 'epoch-b@example.com', name: 'B', role: 'agent', passwordHash: 'scrypt$x' });
      expect(a.sessionEpoch).toBe(0);
      await db().agents.bumpSessionEpoch(a.id);
      await db().agents.bumpSessionEpoch(a.id);
      expect((await db().agents.get(a.id))?.sessionEpoch).toBe(2);
      expect((await db().agents.get(b.id))?.sessionEpoch).toBe(0);
    });
    it('deactivates an agent and revokes its sessions in one step; reactivation keeps them revoked', async () => {
      const admin = await agent('lead@example.com', 'admin');
      const a = await agent('leaver@example.com');
      const at = new Date(Date.UTC(2026, 1, 2, 3, 4, 5)).toISOString();
      const res = await db().agents.deactivate(a.id, at);
      expect(res?.status).toBe('deactivated');
      expect(res?.agent).toMatchObject({ id: a.id, deactivatedAt: at, sessionEpoch: 1 });
      expect(await db().agents.get(a.id)).toMatchObject({ deactivatedAt: at, sessionEpoch: 1 });
      // Again: nothing changes, the epoch stays.
      expect(await db().agents.deactivate(a.id, new Date().toISOString())).toMatchObject({ status: 'unchanged', agent: { deactivatedAt: at, sessionEpoch: 1 } });
      expect((await db().agents.list()).find((x) => x.id === a.id)?.deactivatedAt).toBe(at);
      expect(await db().agents.reactivate(a.id)).toMatchObject({ changed: true, agent: { deactivatedAt: null, sessionEpoch: 1 } });
      expect(await db().agents.reactivate(a.id)).toMatchObject({ changed: false, agent: { deactivatedAt: null } });
      expect((await db().agents.get(admin.id))?.sessionEpoch).toBe(0);
      expect(await db().agents.deactivate('0'.repeat(24), at)).toBeNull();
      expect(await db().agents.reactivate('0'.repeat(24))).toBeNull();
    });
    it('never deactivates the last active admin, even when every admin is deactivated at once', async () => {
      const admins = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((x) => agent(`admin-${x}@example.com`, 'admin')));
      await agent('helper@example.com');
      const now = new Date().toISOString();
      const results = await Promise.all(admins.map((a) => db().agents.deactivate(a.id, now)));
      expect(results.map((r) => r?.status).sort()).toEqual(['deactivated', 'deactivated', 'deactivated', 'deactivated', 'last_admin']);
      const active = (await db().agents.list()).filter((x) => x.role === 'admin' && !x.deactivatedAt);
      expect(active).toHaveLength(1);
      // The survivor is the last one: refused, untouched.
      expect(await db().agents.deactivate(active[0].id, now)).toMatchObject({ status: 'last_admin', agent: { deactivatedAt: null, sessionEpoch: 0 } });
      // Once another admin is back, either may go.
      const gone = results.find((r) => r?.status === 'deactivated')!.agent;
      await db().agents.reactivate(gone.id);
      expect((await db().agents.deactivate(active[0].id, now))?.status).toBe('deactivated');
    });
    it('sets a new password hash and bumps the session epoch; null for an unknown agent', async () => {
      const a = await agent('reset@example.com');
      const updated = await db().agents.setPassword(a.id, 'scrypt$new');
      expect(updated).toMatchObject({ id: a.id, passwordHash: 'scrypt$new', sessionEpoch: 1 });
      expect(await db().agents.findByEmail('reset@example.com')).toMatchObject({ passwordHash: 'scrypt$new', sessionEpoch: 1 });
      expect(await db().agents.setPassword('0'.repeat(24), 'scrypt$x')).toBeNull();
    });
    it('refuses a second agent with the same email', async () => {
      await agent('same@example.com');
      await expect(agent('SAME@example.com')).rejects.toThrow();
      expect(await db().agents.count()).toBe(1);
    });
  });
}
