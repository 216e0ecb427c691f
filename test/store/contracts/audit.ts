import { describe, expect, it } from 'vitest';
import { storePerTest, type Backend } from './backend.js';

/** The audit log. Run on every backend unchanged. */
export function runAuditContract(backend: Backend) {
  describe(`audit repository: ${backend.name}`, () => {
    const db = storePerTest(backend);

    const at = (ms: number) => new Date(Date.now() + ms).toISOString();
    const HOUR = 3_600_000;

    it('appends audit log entries and lists them newest first, filtered and paged', async () => {
      const entry = (action: string, domain: string) => db().audit.add({
        action, domain, description: action,
        actor: { type: 'api_key', id: null, email: null, name: null },
        resource: { type: 'contact', id: 'c1', name: null },
        request: { ipAddress: '127.0.0.1', userAgent: 'test' },
        metadata: { reason: 'spam', nested: { a: 1 } },
      });
      const first = await entry('security.user_banned', 'security');
      await entry('auth.login', 'authentication');
      await entry('security.user_unbanned', 'security');
      expect(first).toMatchObject({ action: 'security.user_banned', actor: { type: 'api_key' }, resource: { type: 'contact', id: 'c1' }, metadata: { nested: { a: 1 } } });
      const all = await db().audit.list({ limit: 2 });
      expect(all.items.map((e) => e.action)).toEqual(['security.user_unbanned', 'auth.login']);
      const rest = await db().audit.list({ limit: 2, cursor: all.nextCursor });
      expect(rest.items.map((e) => e.action)).toEqual(['security.user_banned']);
      expect(rest.nextCursor).toBeNull();
      expect((await db().audit.list({ limit: 10, domain: 'security' })).items).toHaveLength(2);
      expect((await db().audit.list({ limit: 10, action: 'auth.login' })).items).toHaveLength(1);
      expect((await db().audit.list({ limit: 10, startDate: at(HOUR) })).items).toHaveLength(0);
      expect((await db().audit.list({ limit: 10, endDate: at(HOUR) })).items).toHaveLength(3);
    });
  });
}
