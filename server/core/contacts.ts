import { AuditLog, type AuditEntry, type RequestInfo } from './audit.js';
import { ParleyError } from './errors.js';
import type { BlockDetails, BlockScope, CarriedFrom, CoreEvent, Publish } from './events.js';
import { compileSearch, encodeSearchCursor, SEARCH_COUNT_CAP, type SearchRequest } from './contact-search.js';
import type { Subscriptions } from './webhooks.js';
import type { BlockPlan } from '../store/block-sql.js';
import type {
  BlockEventRecord, BlockRuleInput, BlockRuleRecord, CompanyInput, CompanyRecord, ContactPatch, ContactQuery, ContactRecord, ContactSeen, Repositories,
  SetBlockedInput, SetBlockedResult, Store,
} from '../store/store.js';

export interface BlockActor {
  /** Rules block in the store's append transaction (core/protection.ts), not through here. */
  actorType: Exclude<BlockEventRecord['actorType'], 'rule'>;
  actorId?: string | null;
  /** The request that asked for it (audit log). */
  request?: RequestInfo;
}

/** Server-wide block defaults (PARLEY_BLOCK_SCOPE, PARLEY_IP_BLOCK_MINUTES, PARLEY_BLOCK_EXPIRY_POLL_MS). */
export interface BlockPolicy {
  scope: BlockScope;
  ipBlockMinutes: number;
  /** How often each process looks for temporary blocks that have ended. */
  expiryPollMs: number;
}

export const DEFAULT_BLOCK_POLICY: BlockPolicy = { scope: 'contact', ipBlockMinutes: 1440, expiryPollMs: 1000 };

export interface BlockOptions {
  /** ISO time the block ends; null or absent: permanent. */
  expiresAt?: string | null;
  /** `device_and_ip` also blocks new leads from the contact's last IP and device. */
  scope?: BlockScope;
  /** How long the IP part of a wider block lasts (never beyond `expiresAt`). */
  ipBlockMinutes?: number;
}

const earlier = (a: string | null, b: string | null) => (a === null ? b : b === null ? a : a < b ? a : b);

/** What a block change adds, decided inside its transaction (see `BlockPlan`). */
interface ChangePlan extends Pick<BlockPlan, 'rules' | 'lift'> {
  details?(result: SetBlockedResult, rules: BlockRuleRecord[]): BlockDetails;
}

/** The IP and device rules of a wider block: device for as long as the block, IP for `ipMinutes` at most. */
function widerRules(id: string, seen: ContactSeen, blockedUntil: string | null, ipMinutes: number): BlockRuleInput[] {
  const rules: BlockRuleInput[] = [];
  if (seen.ip) rules.push({ kind: 'ip', value: seen.ip, sourceContactId: id, expiresAt: earlier(new Date(Date.now() + ipMinutes * 60_000).toISOString(), blockedUntil) });
  if (seen.deviceId) rules.push({ kind: 'device', value: seen.deviceId, sourceContactId: id, expiresAt: blockedUntil });
  return rules;
}

/** The audit entry of a block change; null when a repeated call changed nothing at all. */
function auditEntry(result: SetBlockedResult, blocked: boolean, actor: BlockActor, reason: string | null | undefined, details?: BlockDetails, lifted = 0): AuditEntry | null {
  const { contact } = result;
  if (!result.changed && !result.expiryChanged && !details?.rules.length && !lifted) return null;
  const who = contact.name || contact.email || contact.id;
  return {
    action: blocked ? 'security.user_banned' : 'security.user_unbanned',
    domain: 'security',
    description: details?.matchedRule
      ? `New lead ${contact.id} blocked automatically (${details.matchedRule.kind} blocked with contact ${details.matchedRule.sourceContactId})`
      : details?.carriedFrom
        ? `Contact ${who} blocked automatically: block of contact ${details.carriedFrom.contactId} carried over (${details.carriedFrom.via.replace('_', ' ')})`
        : result.expiryChanged && !result.changed
          ? `Contact ${who}: block now ends ${contact.blockedUntil ?? 'never'}`
          : `Contact ${who} ${blocked ? 'blocked' : 'unblocked'}${result.changed ? '' : ' (already so; scope updated)'}`,
    actor,
    resource: { type: 'contact', id: contact.id, name: contact.name || contact.email },
    metadata: {
      reason: reason ?? null,
      ...(details ? { scope: details.scope, blockedUntil: details.blockedUntil, rules: details.rules.map(({ kind, value, expiresAt }) => ({ kind, value, expiresAt })) } : {}),
      ...(details?.matchedRule ? { matchedRule: { id: details.matchedRule.id, kind: details.matchedRule.kind, sourceContactId: details.matchedRule.sourceContactId } } : {}),
      ...(details?.carriedFrom ? { carriedFrom: details.carriedFrom } : {}),
      ...(lifted ? { rulesLifted: lifted } : {}),
      // The same block with only a new end (the SDK's action list has no separate action for it).
      ...(result.expiryChanged && !result.changed ? { expiryChanged: true } : {}),
    },
  };
}

export interface ContactFields {
  userId?: string;
  email?: string;
  name?: string;
  profilePicture?: string | null;
  customFields?: Record<string, unknown>;
  /** Given: exactly the companies the contact belongs to (each created or updated by its companyId). */
  companies?: CompanyInput[];
  locale?: string;
  /** When the business says the contact was created (ISO); null leaves it as it is. */
  createdAt?: string | null;
}

/** A unique index refused the write (PostgreSQL 23505; SQLite serialises writers, so it never races there). */
const isUniqueViolation = (err: unknown) => (err as { code?: string } | null)?.code === '23505';

/** Verified emails only: an upsert never adopts a contact by an email a visitor typed. */
async function verifiedByEmail(repos: Repositories, email: string): Promise<ContactRecord | null> {
  const found = await repos.contacts.findByEmail(email);
  return found?.emailVerified ? found : null;
}

/** Contacts (customers and leads) and their block state. */
export class Contacts {
  constructor(
    private readonly store: Store,
    private readonly publish: Publish,
    private readonly audit: AuditLog,
    readonly policy: BlockPolicy = DEFAULT_BLOCK_POLICY,
    private readonly subscriptions: Subscriptions = { wants: async () => false },
  ) {}

  /** The contact, or null when there is none (get() throws contact_not_found instead). */
  find(id: string): Promise<ContactRecord | null> {
    return this.store.contacts.get(id);
  }

  /** The customer with this userId, or null. */
  findByUserId(userId: string): Promise<ContactRecord | null> {
    return this.store.contacts.findByUserId(userId);
  }

  /** The contacts with these ids, by id (unknown ids are left out); repeats are read once. */
  async findMany(ids: readonly string[]): Promise<Map<string, ContactRecord>> {
    const found = await this.store.contacts.getMany([...new Set(ids)]);
    return new Map(found.map((c) => [c.id, c]));
  }

  async get(id: string): Promise<ContactRecord> {
    const contact = await this.store.contacts.get(id);
    if (!contact) throw new ParleyError('contact_not_found', `No contact with id ${id}.`);
    return contact;
  }

  list(query: ContactQuery) {
    return this.store.contacts.list(query);
  }

  /** The customer with this userId (leads are never found this way); contact_not_found otherwise. */
  async getByUserId(userId: string): Promise<ContactRecord> {
    const contact = await this.store.contacts.findByUserId(userId);
    if (!contact || contact.type !== 'customer' || contact.mergedInto) throw new ParleyError('contact_not_found', `No customer with userId ${JSON.stringify(userId.slice(0, 255))}.`);
    return contact;
  }

  /** The companies each of these contacts belongs to. */
  companiesOf(ids: readonly string[]): Promise<Map<string, CompanyRecord[]>> {
    return this.store.companies.listForContacts(ids);
  }

  /** `POST /v2/contacts/search`: a page of matches, the next cursor and the (capped) count. */
  async search(request: SearchRequest) {
    const query = compileSearch(request, new Date().toISOString());
    if (!query) return { items: [], nextCursor: null, totalCount: 0, totalCountCapped: false };
    const page = await this.store.contacts.search(query, SEARCH_COUNT_CAP);
    return {
      items: page.items,
      nextCursor: page.last ? encodeSearchCursor(request.sort, page.last) : null,
      totalCount: page.total,
      totalCountCapped: page.total >= SEARCH_COUNT_CAP,
    };
  }

  /**
   * Create-or-update by userId, then by email (Featurebase semantics), with its companies, in one
   * transaction. A created contact is a customer; a lead given a userId becomes one. Only an
   * email the business set (or a signed JWT carried) is matched: an email a visitor typed into
   * the messenger never lets an upsert adopt that lead.
   */
  async createOrUpdate(fields: ContactFields): Promise<{ contact: ContactRecord; created: boolean }> {
    if (!fields.userId && !fields.email) throw new ParleyError('invalid_payload', 'Give at least one of userId or email.');
    try {
      return await this.upsert(fields);
    } catch (err) {
      // Two calls creating the same new userId or email at once (PostgreSQL): the loser finds the winner's.
      if (!isUniqueViolation(err)) throw err;
      return this.upsert(fields);
    }
  }

  private async upsert(fields: ContactFields): Promise<{ contact: ContactRecord; created: boolean }> {
    const { companies, createdAt, ...rest } = fields;
    const contactFields = { ...rest, ...(createdAt ? { createdAt: new Date(createdAt).toISOString() } : {}) };
    const done = await this.store.transaction(async (tx) => {
      const byUserId = fields.userId ? await tx.contacts.findByUserId(fields.userId) : null;
      const existing = byUserId ?? (fields.email ? await verifiedByEmail(tx, fields.email) : null);
      let result: { contact: ContactRecord; created: boolean };
      if (existing) {
        if (fields.userId && existing.userId && existing.userId !== fields.userId) {
          throw new ParleyError('conflict', 'That email belongs to a contact with another userId.');
        }
        const promoted = fields.userId !== undefined && existing.type === 'lead';
        result = {
          created: false,
          contact: (await tx.contacts.update(existing.id, {
            ...contactFields,
            type: fields.userId ? 'customer' : existing.type,
            ...(fields.email !== undefined ? { emailVerified: true } : {}),
            // A promoted lead's visitor tokens die: from now on it proves its identity on every connect.
            ...(promoted ? { tokenEpoch: existing.tokenEpoch + 1 } : {}),
          }))!,
        };
      } else {
        // The business's backend registers its own users: Featurebase calls those customers
        // (leads are anonymous or unregistered visitors), with or without a userId.
        result = { created: true, contact: await tx.contacts.create({ type: 'customer', ...contactFields, emailVerified: true }) };
      }
      if (companies) await tx.companies.setForContact(result.contact.id, companies);
      return result;
    });
    this.publish({ type: 'contact:updated', contact: done.contact });
    return done;
  }

  async delete(id: string): Promise<void> {
    if (!(await this.store.contacts.delete(id))) throw new ParleyError('contact_not_found', `No contact with id ${id}.`);
    this.publish({ type: 'contact:deleted', contactId: id });
  }

  /** Deletes the customer with this userId (never a lead); returns its id. */
  async deleteByUserId(userId: string): Promise<string> {
    const { id } = await this.getByUserId(userId);
    await this.delete(id);
    return id;
  }

  /**
   * Records the end of temporary blocks whose expiry passed: claimed with a lease in the store,
   * so each end is announced once (webhook via the outbox, audit entry, push) by whichever
   * process claims it, and a process that dies meanwhile leaves it to another. Returns how many.
   */
  async expireDueBlocks(batch = 50): Promise<number> {
    const now = new Date();
    const ids = await this.store.contacts.claimExpiredBlocks(now.toISOString(), new Date(now.getTime() + 60_000).toISOString(), batch);
    const actor: BlockActor = { actorType: 'system', actorId: null };
    for (const id of ids) {
      // Blocked again meanwhile: that block's rules stay.
      await this.changeBlock({ contactId: id, blocked: false, ...actor, reason: 'Automatic: the temporary block ended.', expiredBy: now.toISOString() }, actor,
        { lift: (result) => result.changed });
    }
    return ids.length;
  }

  /**
   * Idempotent: blocking a blocked contact succeeds again and records nothing new (a given
   * `expiresAt` replaces the expiry; a wider scope adds its IP and device rules). Blocking a
   * lead that was merged blocks the customer it became.
   */
  async block(id: string, actor: BlockActor, reason?: string | null, opts: BlockOptions = {}) {
    const scope = opts.scope ?? this.policy.scope;
    if (opts.expiresAt && opts.expiresAt <= new Date().toISOString()) {
      throw new ParleyError('invalid_payload', 'expiresAt must be in the future.');
    }
    const ipMinutes = opts.ipBlockMinutes ?? this.policy.ipBlockMinutes;
    const done = await this.changeBlock({
      contactId: id, followMerges: true, blocked: true, actorType: actor.actorType, actorId: actor.actorId ?? null, reason: reason ?? null, blockedUntil: opts.expiresAt,
    }, actor, {
      rules: scope === 'device_and_ip' ? (result, seen) => widerRules(result.contact.id, seen, result.contact.blockedUntil, ipMinutes) : undefined,
      details: (result, rules) => ({ scope, blockedUntil: result.contact.blockedUntil, rules }),
    });
    if (!done) throw new ParleyError('contact_not_found', `No contact with id ${id}.`);
    return { ...done.result, details: done.details! };
  }

  async unblock(id: string, actor: BlockActor, reason?: string | null) {
    const done = await this.changeBlock({ contactId: id, followMerges: true, blocked: false, actorType: actor.actorType, actorId: actor.actorId ?? null, reason: reason ?? null }, actor,
      // Unblocking lifts the IP and device rules this contact's block added (even an expired block's).
      { lift: () => true });
    if (!done) throw new ParleyError('contact_not_found', `No contact with id ${id}.`);
    return done.result;
  }

  /**
   * Sets the block state in one transaction (the store's block lock) with what goes with it:
   * wider rules or lifted ones, the audit entry and, when a webhook subscribes, the outbox
   * event; then announces it.
   */
  private async changeBlock(input: SetBlockedInput, actor: BlockActor, plan: ChangePlan = {}): Promise<{ result: SetBlockedResult; details?: BlockDetails } | null> {
    // Asked before the transaction: webhook wishes and the actor's name (an agent's) for the audit entry.
    const [record, audited, auditActor] = await Promise.all([
      this.subscriptions.wants([input.blocked ? 'contact.blocked' : 'contact.unblocked']), this.audit.wanted(), this.audit.actor(actor),
    ]);
    let details: BlockDetails | undefined;
    let event: CoreEvent | null = null;
    const done = await this.store.changeBlock(input, {
      rules: plan.rules,
      lift: plan.lift,
      after: (result, rules, lifted) => {
        details = plan.details?.(result, rules);
        if (result.changed) {
          const last = result.event ?? null;
          event = input.blocked ? { type: 'contact:blocked', contact: result.contact, event: last, details } : { type: 'contact:unblocked', contact: result.contact, event: last };
        } else if (result.expiryChanged) {
          // The same block with another end: the tabs and consoles are told (no new block, no webhook).
          event = { type: 'contact:blocked', contact: result.contact, event: null, details };
        }
        // Audited in the same transaction: a change is never stored without its audit entry.
        const entry = auditEntry(result, input.blocked, actor, input.reason, details, lifted);
        return { audit: entry && AuditLog.input(entry, auditActor), recordAudit: audited, events: event && result.changed && record ? [event] : [] };
      },
    });
    if (!done) return null;
    if (event) this.publish(event);
    return { result: done.result, details };
  }

  blockHistory(id: string) {
    return this.store.contacts.listBlockEvents(id);
  }

  /**
   * A new anonymous visitor. Connecting from an IP address or device under a wider block, or
   * carrying a blocked contact's token or device id (`carry`), it is created already blocked
   * (until that block ends), so the widget shows the notice. A typed email stays unverified.
   */
  async createLead(fields: { email?: string; name?: string } = {}, seen: Partial<ContactSeen> = {}, carry?: { from: ContactRecord; via: CarriedFrom['via'] } | null): Promise<ContactRecord> {
    const rule = carry ? null : await this.store.contacts.findActiveBlockRule(seen, new Date().toISOString());
    const lead = await this.store.contacts.create({ type: 'lead', email: fields.email ?? null, name: fields.name ?? null, emailVerified: !fields.email });
    if (seen.ip || seen.deviceId) await this.store.contacts.recordSeen(lead.id, seen);
    if (carry) return this.carryBlock(lead, carry.from, carry.via);
    if (!rule) return lead;
    const reason = `Automatic: new lead from a blocked ${rule.kind === 'ip' ? `IP address (${rule.value})` : 'device'}; wider block of contact ${rule.sourceContactId}.`;
    const actor: BlockActor = { actorType: 'system', actorId: null };
    const done = await this.changeBlock({ contactId: lead.id, blocked: true, ...actor, reason, blockedUntil: rule.expiresAt }, actor,
      { details: (result) => ({ scope: 'contact', blockedUntil: result.contact.blockedUntil, rules: [], matchedRule: rule }) });
    return done ? done.result.contact : lead;
  }

  /**
   * Blocks `target` because `source` is blocked and the two are linked (`via`), until the
   * source's block ends; recorded in the block history, audit log and `contact.blocked`.
   */
  async carryBlock(target: ContactRecord, source: ContactRecord, via: CarriedFrom['via']): Promise<ContactRecord> {
    if (target.blocked || !source.blocked) return target;
    const reason = `Automatic: the block of contact ${source.id} carried over (${via === 'merge' ? 'lead merged into this customer' : `same ${via.replace('_', ' ')}`}).`;
    const actor: BlockActor = { actorType: 'system', actorId: null };
    const done = await this.changeBlock({ contactId: target.id, blocked: true, ...actor, reason, blockedUntil: source.blockedUntil }, actor,
      { details: (result) => ({ scope: 'contact', blockedUntil: result.contact.blockedUntil, rules: [], carriedFrom: { contactId: source.id, via } }) });
    return done ? done.result.contact : target;
  }

  /**
   * A blocked contact a connection is linked to, for carry-over: the contact its visitor
   * token names (merges followed, even when the token no longer opens it), or one that used
   * its device id. Never `except` itself.
   */
  async blockedLink(link: { tokenContactId?: string | null; deviceId?: string; except?: string }): Promise<{ from: ContactRecord; via: CarriedFrom['via'] } | null> {
    if (link.tokenContactId) {
      const current = await this.store.contacts.get(await this.current(link.tokenContactId));
      if (current?.blocked && current.id !== link.except) return { from: current, via: 'visitor_token' };
    }
    const byDevice = link.deviceId ? await this.store.contacts.findBlockedByDevice(link.deviceId, new Date().toISOString(), link.except) : null;
    return byDevice ? { from: byDevice, via: 'device' } : null;
  }

  /** The contact a merged lead became (following merges), or the id itself. */
  async current(id: string): Promise<string> {
    for (let hops = 0; hops < 4; hops++) {
      const contact = await this.store.contacts.get(id);
      if (!contact?.mergedInto) return id;
      id = contact.mergedInto;
    }
    return id;
  }

  /** A contact and where it last connected from, in one read. */
  findWithSeen(id: string) {
    return this.store.contacts.getWithSeen(id);
  }

  /**
   * Remembers where a contact connects from, for wider blocks and the new-leads-per-IP rule.
   * `known` is what a read of the contact's row made for this same connection said: when the
   * connection changes nothing, a page view writes nothing (a busy site is a storm of them).
   */
  async recordSeen(id: string, seen: Partial<ContactSeen>, known?: ContactSeen | null): Promise<void> {
    if (known && (seen.ip ?? known.ip) === known.ip && (seen.deviceId ?? known.deviceId) === known.deviceId) return;
    await this.store.contacts.recordSeen(id, seen);
  }

  /**
   * The customer with this userId, created on first sight; email/name refreshed when given.
   * `emailVerified`: the email came signed (JWT), not typed next to a userHash.
   */
  async identifyCustomer(fields: { userId: string; email?: string; name?: string }, emailVerified = false): Promise<ContactRecord> {
    const found = await this.store.contacts.findByUserId(fields.userId);
    if (!found) {
      try {
        return await this.store.contacts.create({ type: 'customer', userId: fields.userId, email: fields.email ?? null, name: fields.name ?? null, emailVerified: !fields.email || emailVerified });
      } catch (err) {
        // Another connection created it first (unique userId): use that one.
        const raced = await this.store.contacts.findByUserId(fields.userId);
        if (raced) return raced;
        throw err;
      }
    }
    const patch: ContactPatch = {};
    if (fields.email && fields.email !== found.email) Object.assign(patch, { email: fields.email, emailVerified });
    if (fields.name && fields.name !== found.name) patch.name = fields.name;
    return Object.keys(patch).length ? (await this.store.contacts.update(found.id, patch))! : found;
  }

  /**
   * Lead-to-customer rollup on one browser: the lead's conversations move to the customer
   * and the lead leaves every list. A block the lead earned itself (by an agent or the API)
   * follows it; an automatic one (carried from someone else's block) does not bind a
   * customer who proved their identity.
   */
  async mergeLead(lead: ContactRecord, customer: ContactRecord): Promise<ContactRecord> {
    const merged = await this.store.contacts.merge(lead.id, customer.id);
    if (!merged) return customer;
    this.publish({ type: 'contact:merged', lead: merged.lead, customer: merged.customer });
    await this.audit.record({
      action: 'contact.merged',
      domain: 'contacts',
      description: `Lead ${lead.id} merged into customer ${customer.userId ?? customer.id} on sign-in`,
      actor: { actorType: 'system' },
      resource: { type: 'contact', id: customer.id, name: customer.name || customer.email },
      metadata: { leadId: lead.id, leadBlocked: merged.lead.blocked },
    });
    if (merged.lead.blocked && (await this.blockedByPerson(merged.lead.id))) return this.carryBlock(merged.customer, merged.lead, 'merge');
    return merged.customer;
  }

  /** Whether the contact's block in force was set by an agent or the API (not automatically, nor by a rule). */
  private async blockedByPerson(id: string): Promise<boolean> {
    const events = await this.store.contacts.listBlockEvents(id);
    const last = events.filter((e) => e.action === 'block').at(-1);
    return !!last && last.actorType !== 'system' && last.actorType !== 'rule';
  }

  /** Contacts that used one of this contact's devices (shown to agents). */
  deviceSharers(id: string, limit = 10) {
    return this.store.contacts.listDeviceSharers(id, limit);
  }
}
