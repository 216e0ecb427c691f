import { MAX_PROTECTION_RULES, type ProtectionModeName, type ProtectionRuleCreateInput, type ProtectionRuleUpdateInput } from '../../protocol/schemas/protection.js';
import type { AuditActor, AuditLog } from './audit.js';
import { ParleyError } from './errors.js';
import type { SentMessage } from './messages.js';
import type { Publish } from './events.js';
import { checkOf, compileRule, type CompiledRule, type Trigger } from './protection-rules.js';
import { RECOMMENDED_RULES } from './protection-presets.js';
import type { Subscriptions } from './webhooks.js';
import type {
  BlockEventRecord, ContactRecord, HeldMessageQuery, HeldMessageRecord, ProtectionCheck, ProtectionEventQuery, ProtectionFiring, ProtectionRuleRecord, Store,
} from '../store/store.js';

// Rules change rarely and every visitor's message asks for them: read at most this often.
// Changes made here drop the cache at once; other processes see them within this time.
const RULES_CACHE_MS = 2_000;

// Asked on every message: one array each, not one per call.
const HELD_TOPICS = ['message.held'] as const;
const BLOCKED_TOPICS = ['contact.blocked'] as const;

/** How long rule events (dry-run reports included) are kept. */
export const EVENT_RETENTION_DAYS = 30;

/** The enabled rules by trigger, and the checks built on them. */
interface ActiveRules {
  /** The rules as read (ids, update times, modes): what was compiled from them is reused while it holds. */
  version: string;
  byTrigger: Record<Trigger, CompiledRule[]>;
  /** Whether an enforced rule of the trigger holds, or blocks (then the outbox may need the event). */
  enforces: Record<Trigger, { holds: boolean; blocks: boolean }>;
  /** By outbox need: held event wanted (1) + blocked event wanted (2). */
  checks: Record<Trigger, (ProtectionCheck | undefined)[]>;
}

/** The rules as last read: `value` once the read has answered. */
interface RulesCache {
  at: number;
  rules: Promise<ActiveRules>;
  value?: ActiveRules;
}

/** Sends a released message on as the visitor's, past the rules (Messages does it). */
export type Deliver = (held: HeldMessageRecord) => Promise<SentMessage>;

/**
 * Automatic protection: rules that hold a visitor's message or block the visitor, evaluated
 * by the store in the transaction that stores the message (or records a rate-limit hit), so
 * an automatic block is as race-free as a manual one. Also the review of what they did:
 * held messages (release, discard) and the log of rule events, dry runs included.
 */
export class Protection {
  private cache: RulesCache | null = null;

  constructor(
    private readonly store: Store,
    private readonly publish: Publish,
    private readonly audit: AuditLog,
    private readonly subscriptions: Subscriptions,
    private readonly deliver: Deliver,
  ) {}

  /**
   * The rules to run for `trigger` (none enabled: undefined, and the send path stays as it
   * was). Every contact's message asks: while the rules and the webhook subscriptions read are
   * fresh, the answer is at hand, without a promise.
   */
  check(trigger: Trigger): ProtectionCheck | undefined | Promise<ProtectionCheck | undefined> {
    const cached = this.cache;
    if (cached?.value && Date.now() - cached.at < RULES_CACHE_MS) {
      const rules = cached.value.byTrigger[trigger];
      if (!rules.length) return undefined;
      const { holds, blocks } = cached.value.enforces[trigger];
      const held = holds ? this.subscriptions.wantsNow?.(HELD_TOPICS) ?? null : false;
      const blocked = blocks ? this.subscriptions.wantsNow?.(BLOCKED_TOPICS) ?? null : false;
      if (held !== null && blocked !== null) return this.compiled(cached.value, trigger, held, blocked);
    }
    return this.checkRead(trigger);
  }

  private async checkRead(trigger: Trigger): Promise<ProtectionCheck | undefined> {
    const active = await this.active();
    if (!active.byTrigger[trigger].length) return undefined;
    const { holds, blocks } = active.enforces[trigger];
    return this.compiled(active, trigger, holds && (await this.subscriptions.wants(HELD_TOPICS)), blocks && (await this.subscriptions.wants(BLOCKED_TOPICS)));
  }

  /** Compiled once per rule set and outbox need (the pattern set is the costly part). */
  private compiled(active: ActiveRules, trigger: Trigger, held: boolean, blocked: boolean): ProtectionCheck {
    const checks = active.checks[trigger];
    const i = (held ? 1 : 0) + (blocked ? 2 : 0);
    return (checks[i] ??= checkOf(active.byTrigger[trigger], { held, blocked }));
  }

  private active(): Promise<ActiveRules> {
    if (!this.cache || Date.now() - this.cache.at >= RULES_CACHE_MS) {
      const previous = this.cache?.rules;
      const entry: RulesCache = {
        at: Date.now(),
        rules: this.store.protection.listRules().then(async (rules): Promise<ActiveRules> => {
          // Unchanged since the last read: keep what was compiled (patterns are the costly part).
          const version = rules.map((r) => `${r.id}:${r.updatedAt}:${r.mode}`).join();
          const last = await previous?.catch(() => null);
          if (last?.version === version) return last;
          // A stored rule always compiled when saved; one that no longer does is skipped, not fatal.
          const compiled = rules.filter((r) => r.mode !== 'off').flatMap((r) => {
            try {
              return [compileRule(r)];
            } catch {
              return [];
            }
          });
          const byTrigger = { message: compiled.filter((r) => r.trigger === 'message'), rate_limit: compiled.filter((r) => r.trigger === 'rate_limit') };
          const enforces = (list: CompiledRule[]) => ({
            holds: list.some((r) => r.rule.mode === 'enforce' && r.rule.action.type === 'hold'),
            blocks: list.some((r) => r.rule.mode === 'enforce' && r.rule.action.type !== 'hold'),
          });
          return { version, byTrigger, enforces: { message: enforces(byTrigger.message), rate_limit: enforces(byTrigger.rate_limit) }, checks: { message: [], rate_limit: [] } };
        }),
      };
      this.cache = entry;
      entry.rules.then((value) => {
        entry.value = value;
      }, () => {
        if (this.cache === entry) this.cache = null;
      });
    }
    return this.cache.rules;
  }

  /**
   * A rule held a message: announce it. It reaches no agent's inbox; the contact's other tabs
   * show it as sent (`origin`, the sending tab, has its ack) and the Held review lists it.
   */
  held(held: HeldMessageRecord, origin?: string) {
    this.publish({ type: 'message:held', held, rule: { id: held.ruleId, name: held.ruleName }, origin });
  }

  /** A rule blocked a contact in the store's transaction: announce it and audit it. */
  async blocked(contact: ContactRecord, event: BlockEventRecord, firing: ProtectionFiring) {
    this.publish({
      type: 'contact:blocked', contact, event,
      details: { scope: 'contact', blockedUntil: contact.blockedUntil, rules: [], firedRule: { id: firing.ruleId, name: firing.ruleName } },
    });
    await this.audit.record({
      action: 'security.user_banned',
      domain: 'security',
      description: `Contact ${contact.name || contact.email || contact.id} blocked automatically by protection rule "${firing.ruleName}"`,
      actor: { actorType: 'system', actorId: firing.ruleId },
      resource: { type: 'contact', id: contact.id, name: contact.name || contact.email },
      metadata: { reason: event.reason, blockedUntil: contact.blockedUntil, rule: { id: firing.ruleId, name: firing.ruleName, action: firing.action } },
    });
  }

  /**
   * A send by this contact was refused by a rate limit: the hit is recorded and the rules
   * counting hits run (only when some rule does; otherwise nothing is written).
   */
  async rateLimited(contactId: string): Promise<void> {
    const check = await this.check('rate_limit');
    if (!check) return;
    const verdict = await this.store.protection.rateLimited(contactId, check);
    if (verdict?.status === 'blocked_by_rule') await this.blocked(verdict.contact, verdict.event, verdict.firing);
  }

  listRules() {
    return this.store.protection.listRules();
  }

  async getRule(id: string): Promise<ProtectionRuleRecord> {
    const rule = await this.store.protection.getRule(id);
    if (!rule) throw new ParleyError('protection_rule_not_found', `No protection rule with id ${id}.`);
    return rule;
  }

  async createRule(input: ProtectionRuleCreateInput, actor: AuditActor, preset: string | null = null): Promise<ProtectionRuleRecord> {
    if ((await this.store.protection.countRules()) >= MAX_PROTECTION_RULES) {
      throw new ParleyError('invalid_payload', `This server already has the maximum of ${MAX_PROTECTION_RULES} protection rules.`);
    }
    const fields = { name: input.name, description: input.description ?? null, mode: input.mode, conditions: input.conditions, action: input.action, preset };
    compileRule({ ...fields, id: '', createdAt: '', updatedAt: '' });
    const rule = await this.store.protection.createRule(fields);
    await this.changed('protection.rule_created', rule, actor, { mode: rule.mode, conditions: rule.conditions, action: rule.action });
    return rule;
  }

  async updateRule(id: string, patch: ProtectionRuleUpdateInput, actor: AuditActor): Promise<ProtectionRuleRecord> {
    const before = await this.getRule(id);
    compileRule({ ...before, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) });
    const rule = await this.store.protection.updateRule(id, patch);
    if (!rule) throw new ParleyError('protection_rule_not_found', `No protection rule with id ${id}.`);
    const changes = (['name', 'description', 'mode', 'conditions', 'action'] as const).filter((f) => patch[f] !== undefined)
      .map((field) => ({ field, oldValue: before[field], newValue: rule[field] }));
    await this.changed('protection.rule_updated', rule, actor, { changes });
    return rule;
  }

  async deleteRule(id: string, actor: AuditActor): Promise<void> {
    const rule = await this.getRule(id);
    if (!(await this.store.protection.deleteRule(id))) throw new ParleyError('protection_rule_not_found', `No protection rule with id ${id}.`);
    await this.changed('protection.rule_deleted', rule, actor, {});
  }

  /**
   * The one switch for the recommended rules: creates those missing and sets every one of
   * them to `mode` (off, dry_run or enforce). Other rules are left as they are.
   */
  async setRecommended(mode: ProtectionModeName, actor: AuditActor): Promise<ProtectionRuleRecord[]> {
    const existing = new Map((await this.store.protection.listRules()).filter((r) => r.preset).map((r) => [r.preset!, r]));
    const out: ProtectionRuleRecord[] = [];
    for (const preset of RECOMMENDED_RULES) {
      const rule = existing.get(preset.key);
      if (!rule) out.push(await this.createRule({ ...preset.rule, mode }, actor, preset.key));
      else out.push(rule.mode === mode ? rule : await this.updateRule(rule.id, { mode }, actor));
    }
    return out;
  }

  listHeld(query: HeldMessageQuery) {
    return this.store.protection.listHeld(query);
  }

  async getHeld(id: string): Promise<HeldMessageRecord> {
    const held = await this.store.protection.getHeld(id);
    if (!held) throw new ParleyError('held_message_not_found', `No held message with id ${id}.`);
    return held;
  }

  /**
   * Delivers a held message as the visitor sent it: stored, pushed live to agents, fired to
   * webhooks. Once stored it leaves the held list; a release repeated after a crash finds the
   * message stored already (same idempotency key) and only finishes the removal.
   */
  async release(id: string, actor: AuditActor) {
    const held = await this.getHeld(id);
    const sent = await this.deliver(held);
    if (await this.store.protection.takeHeld(id)) this.publish({ type: 'message:held_removed', held, released: true });
    await this.reviewed('protection.message_released', held, actor);
    return sent;
  }

  async discard(id: string, actor: AuditActor): Promise<HeldMessageRecord> {
    const held = await this.store.protection.takeHeld(id);
    if (!held) throw new ParleyError('held_message_not_found', `No held message with id ${id}.`);
    this.publish({ type: 'message:held_removed', held, released: false });
    await this.reviewed('protection.message_discarded', held, actor);
    return held;
  }

  /** What rules did and, in dry run, would have done. */
  events(query: ProtectionEventQuery) {
    return this.store.protection.listEvents(query);
  }

  /** Retention: rule events older than `days` go (a rule matching every message must not fill the disk). */
  pruneEvents(days = EVENT_RETENTION_DAYS) {
    return this.store.protection.pruneEvents(new Date(Date.now() - days * 86_400_000).toISOString());
  }

  private changed(action: string, rule: ProtectionRuleRecord, actor: AuditActor, metadata: Record<string, unknown>) {
    this.cache = null;
    return this.audit.record({
      action, domain: 'security', description: `Protection rule "${rule.name}" ${action.split('_')[1]}`,
      actor, resource: { type: 'protection_rule', id: rule.id, name: rule.name }, metadata,
    });
  }

  private reviewed(action: string, held: HeldMessageRecord, actor: AuditActor) {
    return this.audit.record({
      action, domain: 'security', description: `Held message of contact ${held.contactId} ${action.split('_')[1]}`,
      actor, resource: { type: 'held_message', id: held.id, name: null },
      metadata: { contactId: held.contactId, rule: { id: held.ruleId, name: held.ruleName } },
    });
  }
}
