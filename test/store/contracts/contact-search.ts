import { describe, expect, it } from 'vitest';
import type { ContactFilter, ContactRecord, ContactSearch } from '../../../server/store/store.js';
import { storePerTest, type Backend } from './backend.js';

/** Contact search: every filter kind, both sorts with keyset paging, the capped count. Run on every backend unchanged. */
export function runContactSearchContract(backend: Backend) {
  describe(`contact search: ${backend.name}`, () => {
    const store = storePerTest(backend);

    const now = () => new Date().toISOString();
    const newest = { field: 'createdAt', direction: 'desc' } as const;
    const search = (filters: ContactFilter[], extra: Partial<ContactSearch> = {}) => store().contacts.search({ filters, sort: newest, limit: 100, ...extra }, 5000);
    const names = (items: ContactRecord[]) => items.map((c) => c.name).sort();
    /** Contacts a..e, created a day apart (a oldest). */
    async function seed() {
      const day = (n: number) => new Date(Date.UTC(2025, 0, 1 + n)).toISOString();
      const a = await store().contacts.create({ type: 'customer', userId: 'u-a', email: 'a@example.com', name: 'Ada Lovelace', createdAt: day(0) });
      const b = await store().contacts.create({ type: 'customer', userId: 'u-b', email: 'b@example.com', name: 'Bob 100%_sure', createdAt: day(1) });
      const c = await store().contacts.create({ type: 'lead', name: 'Carol', createdAt: day(2) });
      const d = await store().contacts.create({ type: 'customer', userId: 'u-d', email: 'd@example.com', name: 'Dan', createdAt: day(3) });
      const e = await store().contacts.create({ type: 'lead', email: 'e@example.com', name: 'Eve', createdAt: day(4) });
      return { a, b, c, d, e, day };
    }

    it('matches set filters, and a negation also matches contacts without the field', async () => {
      await seed();
      expect(names((await search([{ kind: 'in', field: 'email', values: ['a@example.com', 'd@example.com'], negate: false }])).items)).toEqual(['Ada Lovelace', 'Dan']);
      expect(names((await search([{ kind: 'in', field: 'userId', values: ['u-a'], negate: true }])).items)).toEqual(['Bob 100%_sure', 'Carol', 'Dan', 'Eve']);
      expect(names((await search([{ kind: 'in', field: 'type', values: ['lead'], negate: false }])).items)).toEqual(['Carol', 'Eve']);
      expect(names((await search([
        { kind: 'in', field: 'type', values: ['customer'], negate: false }, { kind: 'in', field: 'email', values: ['b@example.com'], negate: true },
      ])).items)).toEqual(['Ada Lovelace', 'Dan']);
    });

    it('finds names by a case-insensitive substring in which % and _ are plain characters', async () => {
      await seed();
      expect(names((await search([{ kind: 'contains', field: 'name', value: 'LOVE' }])).items)).toEqual(['Ada Lovelace']);
      expect(names((await search([{ kind: 'contains', field: 'name', value: '%_' }])).items)).toEqual(['Bob 100%_sure']);
      expect((await search([{ kind: 'contains', field: 'name', value: 'a_a' }])).items).toEqual([]);
    });

    it('filters by company, by time ranges and by the block in force', async () => {
      const { a, b, c, day } = await seed();
      await store().companies.setForContact(a.id, [{ companyId: 'acme', name: 'Acme' }]);
      await store().companies.setForContact(b.id, [{ companyId: 'acme', name: 'Acme' }, { companyId: 'other', name: 'Other' }]);
      const acme = (await store().companies.listForContacts([a.id])).get(a.id)![0];
      expect(names((await search([{ kind: 'company', companyIds: [acme.id], negate: false }])).items)).toEqual(['Ada Lovelace', 'Bob 100%_sure']);
      expect(names((await search([{ kind: 'company', companyIds: [acme.id], negate: true }])).items)).toEqual(['Carol', 'Dan', 'Eve']);
      expect(names((await search([{ kind: 'time', field: 'createdAt', from: day(1), until: day(3), negate: false }])).items)).toEqual(['Bob 100%_sure', 'Carol']);
      expect(names((await search([{ kind: 'time', field: 'createdAt', from: day(1), until: day(3), negate: true }])).items)).toEqual(['Ada Lovelace', 'Dan', 'Eve']);
      // lastActivity falls back to the creation time, as the contact answer shows it.
      await store().contacts.update(a.id, { lastActivity: day(10) });
      expect(names((await search([{ kind: 'time', field: 'lastActivity', from: day(4), negate: false }])).items)).toEqual(['Ada Lovelace', 'Eve']);
      await store().contacts.setBlocked({ contactId: b.id, blocked: true, actorType: 'api' });
      await store().contacts.setBlocked({ contactId: c.id, blocked: true, actorType: 'api', blockedUntil: new Date(Date.now() - 1000).toISOString() });
      expect(names((await search([{ kind: 'blocked', value: true, now: now() }])).items)).toEqual(['Bob 100%_sure']);
      expect(names((await search([{ kind: 'blocked', value: false, now: now() }])).items)).toEqual(['Ada Lovelace', 'Carol', 'Dan', 'Eve']);
    });

    it('sorts and pages by the key with the sequence as tie-break, never repeating or skipping a contact', async () => {
      await seed();
      const same = new Date(Date.UTC(2030, 0, 1)).toISOString();
      for (const n of ['T1', 'T2', 'T3']) await store().contacts.create({ type: 'customer', name: n, createdAt: same });
      for (const direction of ['asc', 'desc'] as const) {
        for (const field of ['createdAt', 'lastActivity', 'seq'] as const) {
          const seen: string[] = [];
          let after: ContactSearch['after'] = null;
          for (let pages = 0; pages < 10; pages++) {
            const page = await search([], { sort: { field, direction }, limit: 3, after });
            seen.push(...page.items.map((c) => c.name!));
            if (!page.last) break;
            after = page.last;
          }
          const expected = ['Ada Lovelace', 'Bob 100%_sure', 'Carol', 'Dan', 'Eve', 'T1', 'T2', 'T3'];
          expect(seen, `${field} ${direction}`).toEqual(direction === 'asc' ? expected : [...expected].reverse());
        }
      }
    });

    it('counts the matches up to the cap and leaves merged leads out', async () => {
      const { a, c } = await seed();
      expect((await search([], { limit: 2 })).total).toBe(5);
      expect((await store().contacts.search({ filters: [], sort: newest, limit: 2 }, 3)).total).toBe(3);
      await store().contacts.merge(c.id, a.id);
      const page = await search([]);
      expect(page.total).toBe(4);
      expect(names(page.items)).not.toContain('Carol');
    });
  });
}
