import { describe, expect, it } from 'vitest';
import { storePerTest, type Backend } from './backend.js';

/** Companies as entities: upsert by the business's id, a contact's links, counts and activity. Run on every backend unchanged. */
export function runCompaniesContract(backend: Backend) {
  describe(`companies repository: ${backend.name}`, () => {
    const store = storePerTest(backend);

    const customer = (userId: string) => store().contacts.create({ type: 'customer', userId });
    const companiesOf = async (id: string) => (await store().companies.listForContacts([id])).get(id)!;

    it('creates companies by their companyId and links them to the contact, in link order', async () => {
      const c = await customer('u-1');
      await store().companies.setForContact(c.id, [
        { companyId: 'acme', name: 'Acme', companySize: 40, industry: 'Tools', website: 'https://acme.test', plan: 'pro', monthlySpend: 99.5, customFields: { tier: 'gold' }, createdAt: '2020-01-01T00:00:00.000Z' },
        { companyId: 'globex', name: 'Globex' },
      ]);
      const [acme, globex] = await companiesOf(c.id);
      expect(acme).toMatchObject({
        companyId: 'acme', name: 'Acme', companySize: 40, industry: 'Tools', website: 'https://acme.test', plan: 'pro', monthlySpend: 99.5,
        customFields: { tier: 'gold' }, createdAt: '2020-01-01T00:00:00.000Z', linkedUsers: 1,
      });
      expect(acme.id).toMatch(/^[0-9a-f]{24}$/);
      expect(globex).toMatchObject({ companyId: 'globex', name: 'Globex', companySize: null, industry: null, website: null, plan: null, monthlySpend: null, customFields: {}, createdAt: null });
      expect(Date.parse(globex.updatedAt)).not.toBeNaN();
    });

    it('shares a company between contacts: one entity, counted users, latest activity of its users', async () => {
      const [a, b] = [await customer('u-a'), await customer('u-b')];
      await store().contacts.update(a.id, { lastActivity: '2025-01-01T00:00:00.000Z' });
      await store().contacts.update(b.id, { lastActivity: '2025-03-01T00:00:00.000Z' });
      await store().companies.setForContact(a.id, [{ companyId: 'acme', name: 'Acme', plan: 'pro' }]);
      await store().companies.setForContact(b.id, [{ companyId: 'acme', name: 'Acme Inc' }]);
      const both = await store().companies.listForContacts([a.id, b.id, '0'.repeat(24)]);
      expect(both.get(a.id)![0].id).toBe(both.get(b.id)![0].id);
      // Fields left out keep their value; given ones are updated for every contact.
      expect(both.get(a.id)).toMatchObject([{ name: 'Acme Inc', plan: 'pro', linkedUsers: 2, lastActivity: '2025-03-01T00:00:00.000Z' }]);
      expect(both.get('0'.repeat(24))).toEqual([]);
    });

    it('replaces the links when given again, and an empty list unlinks all', async () => {
      const c = await customer('u-r');
      await store().companies.setForContact(c.id, [{ companyId: 'x', name: 'X' }, { companyId: 'y', name: 'Y' }]);
      await store().companies.setForContact(c.id, [{ companyId: 'y', name: 'Y' }, { companyId: 'z', name: 'Z' }]);
      expect((await companiesOf(c.id)).map((co) => co.companyId).sort()).toEqual(['y', 'z']);
      await store().companies.setForContact(c.id, []);
      expect(await companiesOf(c.id)).toEqual([]);
    });

    it('drops the links of a deleted contact, keeping the company for its other users', async () => {
      const [a, b] = [await customer('u-d1'), await customer('u-d2')];
      await store().companies.setForContact(a.id, [{ companyId: 'shared', name: 'Shared' }]);
      await store().companies.setForContact(b.id, [{ companyId: 'shared', name: 'Shared' }]);
      await store().contacts.delete(a.id);
      expect(await companiesOf(b.id)).toMatchObject([{ companyId: 'shared', linkedUsers: 1 }]);
    });

    it('writes nothing when the transaction around it fails', async () => {
      const c = await customer('u-tx');
      await expect(store().transaction(async (tx) => {
        await tx.companies.setForContact(c.id, [{ companyId: 'ghost', name: 'Ghost' }]);
        throw new Error('rolled back');
      })).rejects.toThrow('rolled back');
      expect(await companiesOf(c.id)).toEqual([]);
    });
  });
}
