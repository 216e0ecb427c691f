import { sql } from 'kysely';
import type { Conn } from '../dialect.js';
import { newObjectId } from '../ids.js';
import { toCompany } from '../rows.js';
import type { CompanyInput, CompanyRecord } from '../store.js';

/** Companies (found by the business's own id) and which contacts belong to them. */
export class CompaniesRepository {
  constructor(private readonly c: Conn) {}

  /**
   * Creates or updates each company by its `companyId` (fields left out keep their value) and
   * makes them exactly the companies this contact belongs to, in one transaction.
   */
  setForContact(contactId: string, companies: readonly CompanyInput[]): Promise<void> {
    return this.c.tx(async ({ db }) => {
      const now = new Date().toISOString();
      const ids: string[] = [];
      for (const input of companies) {
        const given = {
          name: input.name,
          company_size: input.companySize,
          industry: input.industry,
          website: input.website,
          plan: input.plan,
          monthly_spend: input.monthlySpend,
          custom_fields: input.customFields === undefined ? undefined : JSON.stringify(input.customFields),
          created_at: input.createdAt,
          updated_at: now,
        };
        const set = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
        const row = await db.insertInto('companies')
          .values({ id: newObjectId(), company_id: input.companyId, custom_fields: '{}', ...set, name: input.name, updated_at: now })
          .onConflict((oc) => oc.column('company_id').doUpdateSet(set))
          .returning('id').executeTakeFirstOrThrow();
        ids.push(row.id);
      }
      let unlink = db.deleteFrom('contact_companies').where('contact_id', '=', contactId);
      if (ids.length) unlink = unlink.where('company_id', 'not in', ids);
      await unlink.execute();
      if (ids.length) {
        await db.insertInto('contact_companies').values([...new Set(ids)].map((id) => ({ contact_id: contactId, company_id: id, linked_at: now })))
          .onConflict((oc) => oc.columns(['contact_id', 'company_id']).doNothing()).execute();
      }
    });
  }

  /**
   * The companies of each of these contacts (in the order they were linked), in one query; a
   * company's last activity is its users' latest, as their contact answers show it.
   */
  async listForContacts(contactIds: readonly string[]): Promise<Map<string, CompanyRecord[]>> {
    const byContact = new Map<string, CompanyRecord[]>(contactIds.map((id) => [id, []]));
    if (!contactIds.length) return byContact;
    const rows = await this.c.db.selectFrom('contact_companies as l').innerJoin('companies as co', 'co.id', 'l.company_id')
      .selectAll('co')
      .select((eb) => [
        'l.contact_id as owner',
        eb.selectFrom('contact_companies as n').select((e) => e.fn.countAll().as('n')).whereRef('n.company_id', '=', 'co.id').as('linked_users'),
        eb.selectFrom('contact_companies as a').innerJoin('contacts as ct', 'ct.id', 'a.contact_id')
          .select((e) => e.fn.max(sql<string>`coalesce(ct.last_activity, ct.created_at)`).as('t')).whereRef('a.company_id', '=', 'co.id').as('last_activity'),
      ])
      .where('l.contact_id', 'in', [...new Set(contactIds)])
      .orderBy('l.linked_at').orderBy('co.company_id').execute();
    for (const r of rows) byContact.get(r.owner)?.push(toCompany(r));
    return byContact;
  }
}
