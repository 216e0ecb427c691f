import { ParleyError } from './errors.js';
import type { Publish } from './events.js';
import type { BlockEventRecord, ContactInput, ContactQuery, ContactRecord, Store } from '../store/store.js';

export interface BlockActor {
  actorType: BlockEventRecord['actorType'];
  actorId?: string | null;
}

export interface ContactFields {
  userId?: string;
  email?: string;
  name?: string;
  profilePicture?: string | null;
  customFields?: Record<string, unknown>;
  companies?: unknown[];
  locale?: string;
}

/** Contacts (customers and leads) and their block state. */
export class Contacts {
  constructor(private readonly store: Store, private readonly publish: Publish) {}

  async get(id: string): Promise<ContactRecord> {
    const contact = await this.store.getContact(id);
    if (!contact) throw new ParleyError('contact_not_found', `No contact with id ${id}.`);
    return contact;
  }

  list(query: ContactQuery) {
    return this.store.listContacts(query);
  }

  /**
   * Create-or-update by userId, then by email (Featurebase semantics). A contact given a
   * userId becomes a customer.
   */
  async createOrUpdate(fields: ContactFields): Promise<{ contact: ContactRecord; created: boolean }> {
    if (!fields.userId && !fields.email) throw new ParleyError('invalid_payload', 'Give at least one of userId or email.');
    const existing = (fields.userId && (await this.store.findContactByUserId(fields.userId)))
      || (fields.email && (await this.store.findContactByEmail(fields.email)))
      || null;
    if (existing) {
      if (fields.userId && existing.userId && existing.userId !== fields.userId) {
        throw new ParleyError('conflict', 'That email belongs to a contact with another userId.');
      }
      const contact = (await this.store.updateContact(existing.id, { ...fields, type: fields.userId ? 'customer' : existing.type }))!;
      this.publish({ type: 'contact:updated', contact });
      return { contact, created: false };
    }
    const input: ContactInput = { type: fields.userId ? 'customer' : 'lead', ...fields };
    const contact = await this.store.createContact(input);
    this.publish({ type: 'contact:updated', contact });
    return { contact, created: true };
  }

  async delete(id: string): Promise<void> {
    if (!(await this.store.deleteContact(id))) throw new ParleyError('contact_not_found', `No contact with id ${id}.`);
    this.publish({ type: 'contact:deleted', contactId: id });
  }

  /** Idempotent: blocking a blocked contact succeeds again and records nothing new. */
  block(id: string, actor: BlockActor, reason?: string | null) {
    return this.setBlocked(id, true, actor, reason);
  }

  unblock(id: string, actor: BlockActor, reason?: string | null) {
    return this.setBlocked(id, false, actor, reason);
  }

  private async setBlocked(id: string, blocked: boolean, actor: BlockActor, reason?: string | null) {
    const result = await this.store.setBlocked({ contactId: id, blocked, ...actor, reason: reason ?? null });
    if (!result) throw new ParleyError('contact_not_found', `No contact with id ${id}.`);
    if (result.changed) {
      const events = await this.store.listBlockEvents(id);
      const event = events[events.length - 1] ?? null;
      this.publish({ type: blocked ? 'contact:blocked' : 'contact:unblocked', contact: result.contact, event });
    }
    return result;
  }

  blockHistory(id: string) {
    return this.store.listBlockEvents(id);
  }

  /** A new anonymous visitor. */
  createLead(fields: { email?: string; name?: string } = {}) {
    return this.store.createContact({ type: 'lead', email: fields.email ?? null, name: fields.name ?? null });
  }

  /** The customer with this userId, created on first sight; email/name refreshed when given. */
  async identifyCustomer(fields: { userId: string; email?: string; name?: string }): Promise<ContactRecord> {
    const found = await this.store.findContactByUserId(fields.userId);
    if (!found) {
      try {
        return await this.store.createContact({ type: 'customer', userId: fields.userId, email: fields.email ?? null, name: fields.name ?? null });
      } catch (err) {
        // Another connection created it first (unique userId): use that one.
        const raced = await this.store.findContactByUserId(fields.userId);
        if (raced) return raced;
        throw err;
      }
    }
    const patch: { email?: string; name?: string } = {};
    if (fields.email && fields.email !== found.email) patch.email = fields.email;
    if (fields.name && fields.name !== found.name) patch.name = fields.name;
    return Object.keys(patch).length ? (await this.store.updateContact(found.id, patch))! : found;
  }
}
