import { RE2JS } from 're2js';
import type { ProtectionActionInput, ProtectionConditionInput } from '../../protocol/schemas/protection.js';
import { ParleyError } from './errors.js';
import type { FactNeeds, ProtectionCheck, ProtectionFacts, ProtectionFiring, ProtectionRuleRecord, ProtectionVerdict } from '../store/store.js';

/*
 * Rules as data, compiled into plain predicates over the facts the store reads. Patterns run
 * on RE2JS, a linear-time matcher: no backreferences or lookaround, so no input can make a
 * pattern backtrack. Nothing here reads the store or the clock but through the facts.
 */

/** Where a rule is evaluated: on a visitor's message, or on a send rate-limit hit. */
export type Trigger = ProtectionFacts['trigger'];

export interface CompiledRule {
  rule: ProtectionRuleRecord;
  trigger: Trigger;
  needs: FactNeeds;
  test(facts: ProtectionFacts): boolean;
}

const NO_NEEDS: FactNeeds = { history: false, rateHitsSeconds: 0, leadsByIpSeconds: 0, leadsByDeviceSeconds: 0, blocks: false };
const MESSAGE_CONDITIONS = new Set<ProtectionConditionInput['type']>(['pattern', 'words', 'links', 'repeated', 'length']);
/** Largest product of counted repetitions (`{n}`, `{n,m}`) in one pattern: `(a{100}){100}` compiles to 10,000 steps. */
const MAX_REPETITION = 1000;

// A link: a scheme or a www. prefix followed by something. No nested quantifier: linear.
const LINK = /\b(?:https?:\/\/|www\.)\S/gi;
export const countLinks = (body: string): number => body.match(LINK)?.length ?? 0;

// Identical text, as a flooder varies it least: case and runs of spaces ignored.
const normalize = (body: string) => body.trim().replace(/\s+/g, ' ').toLowerCase();
const after = (now: string, seconds: number) => new Date(Date.parse(now) - seconds * 1000).toISOString();

/**
 * Compiles a pattern with RE2JS or refuses it (`invalid_pattern`): syntax RE2 does not have
 * (backreferences, lookaround) and counted repetitions that would blow up the program.
 */
export function compilePattern(pattern: string, caseInsensitive: boolean): RE2JS {
  let product = 1;
  for (const m of pattern.matchAll(/\{(\d{1,6})(?:,(\d{0,6}))?\}/g)) product *= Math.max(1, Number(m[2] || m[1]));
  if (product > MAX_REPETITION) {
    throw new ParleyError('invalid_pattern', `The pattern repeats too much (counted repetitions multiply to ${product}; at most ${MAX_REPETITION}).`);
  }
  try {
    return RE2JS.compile(pattern, caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0);
  } catch (err) {
    const why = (err as Error).message?.slice(0, 200) || 'syntax error';
    throw new ParleyError('invalid_pattern', `The pattern is not valid RE2 syntax (${why}); backreferences and lookaround are not supported.`);
  }
}

/** One condition as a predicate, with what it needs read. */
function compileCondition(c: ProtectionConditionInput): { needs: Partial<FactNeeds>; test: (f: ProtectionFacts) => boolean } {
  switch (c.type) {
    case 'pattern': {
      const re = compilePattern(c.pattern, c.caseInsensitive !== false);
      return { needs: {}, test: (f) => f.body !== null && re.matcher(f.body).find() };
    }
    case 'words': {
      // Whole words: not inside a longer word of letters, digits or _.
      const re = compilePattern(`(?:^|[^\\p{L}\\p{N}_])(?:${c.words.map((w) => RE2JS.quote(w)).join('|')})(?:$|[^\\p{L}\\p{N}_])`, true);
      return { needs: {}, test: (f) => f.body !== null && re.matcher(f.body).find() };
    }
    case 'length':
      return { needs: {}, test: (f) => f.body !== null && (c.min === undefined || f.body.length >= c.min) && (c.max === undefined || f.body.length <= c.max) };
    case 'links':
      return {
        needs: { history: true },
        test: (f) => {
          if (f.body === null) return false;
          let links = countLinks(f.body);
          for (const m of f.recent) {
            if (m.authorType === 'admin' && m.messageType === 'reply') break;
            if (m.authorType !== 'admin') links += countLinks(m.body);
          }
          return links >= c.min;
        },
      };
    case 'repeated':
      return {
        needs: { history: true },
        test: (f) => {
          if (f.body === null) return false;
          const text = normalize(f.body);
          const from = after(f.now, c.windowSeconds);
          const earlier = f.recent.filter((m) => m.authorType !== 'admin' && m.createdAt >= from && normalize(m.body) === text).length;
          return earlier + 1 >= c.count;
        },
      };
    case 'rateLimitHits':
      return { needs: { rateHitsSeconds: c.windowSeconds }, test: (f) => f.rateHitsAt.filter((t) => t >= after(f.now, c.windowSeconds)).length >= c.count };
    case 'newLeads': {
      const key = c.by === 'ip' ? 'leadsByIpSeconds' : 'leadsByDeviceSeconds';
      return {
        needs: { [key]: c.windowSeconds },
        test: (f) => (c.by === 'ip' ? f.leadsByIpAt : f.leadsByDeviceAt).filter((t) => t >= after(f.now, c.windowSeconds)).length >= c.count,
      };
    }
    case 'afterUnblock':
      return {
        needs: { blocks: true },
        test: (f) => {
          const last = f.blockEvents.find((e) => e.action === 'unblock');
          return !!last && last.createdAt >= after(f.now, c.withinSeconds);
        },
      };
    case 'contactType':
      return { needs: {}, test: (f) => f.contact.type === c.contactType };
    case 'contactAge':
      return { needs: {}, test: (f) => f.contact.createdAt >= after(f.now, c.maxSeconds) };
    case 'earlierBlocks':
      return { needs: { blocks: true }, test: (f) => f.blockEvents.filter((e) => e.action === 'block').length >= c.min };
  }
}

const mergeNeeds = (a: FactNeeds, b: Partial<FactNeeds>): FactNeeds => ({
  history: a.history || !!b.history,
  rateHitsSeconds: Math.max(a.rateHitsSeconds, b.rateHitsSeconds ?? 0),
  leadsByIpSeconds: Math.max(a.leadsByIpSeconds, b.leadsByIpSeconds ?? 0),
  leadsByDeviceSeconds: Math.max(a.leadsByDeviceSeconds, b.leadsByDeviceSeconds ?? 0),
  blocks: a.blocks || !!b.blocks,
});

/**
 * A rule's conditions and action checked together and compiled (all conditions must hold).
 * Rate-limit hits are counted when they happen, where there is no message: a rule counting
 * them cannot also look at a message, nor hold one.
 */
export function compileRule(rule: ProtectionRuleRecord): CompiledRule {
  const onRateLimit = rule.conditions.some((c) => c.type === 'rateLimitHits');
  if (onRateLimit && rule.conditions.some((c) => MESSAGE_CONDITIONS.has(c.type))) {
    throw new ParleyError('invalid_payload', 'A rule counting rate-limit hits runs when a send is refused, where there is no message: it cannot also test the message (pattern, words, links, repeated, length).');
  }
  if (onRateLimit && rule.action.type === 'hold') {
    throw new ParleyError('invalid_payload', 'A rule counting rate-limit hits has no message to hold: use temporary_block or block.');
  }
  const parts = rule.conditions.map(compileCondition);
  return {
    rule,
    trigger: onRateLimit ? 'rate_limit' : 'message',
    needs: parts.reduce((n, p) => mergeNeeds(n, p.needs), NO_NEEDS),
    test: (f) => parts.every((p) => p.test(f)),
  };
}

const STRENGTH: Record<ProtectionActionInput['type'], number> = { hold: 1, temporary_block: 2, block: 3 };

/** The stronger of two actions (a block over a hold; the longer of two temporary blocks). */
const stronger = (a: ProtectionFiring, b: ProtectionFiring): ProtectionFiring => {
  const d = STRENGTH[b.action.type] - STRENGTH[a.action.type];
  if (d !== 0) return d > 0 ? b : a;
  return a.action.type === 'temporary_block' && b.action.type === 'temporary_block' && b.action.seconds > a.action.seconds ? b : a;
};

/**
 * Every rule that matches is reported (dry runs are logged); the strongest enforced one acts.
 * `rules` are the rules of one trigger, in their order.
 */
export function decide(rules: readonly CompiledRule[], facts: ProtectionFacts): ProtectionVerdict {
  const matched: ProtectionFiring[] = [];
  let act: ProtectionFiring | null = null;
  for (const r of rules) {
    if (!r.test(facts)) continue;
    const firing: ProtectionFiring = { ruleId: r.rule.id, ruleName: r.rule.name, mode: r.rule.mode === 'enforce' ? 'enforce' : 'dry_run', action: r.rule.action };
    matched.push(firing);
    if (firing.mode === 'enforce') act = act ? stronger(act, firing) : firing;
  }
  return { act, matched };
}

/** The store's side of one evaluation: what to read, and the verdict on it. */
export function checkOf(rules: readonly CompiledRule[], record: { held: boolean; blocked: boolean }): ProtectionCheck {
  return {
    needs: rules.reduce((n, r) => mergeNeeds(n, r.needs), NO_NEEDS),
    decide: (facts) => decide(rules, facts),
    recordHeld: record.held,
    recordBlocked: record.blocked,
  };
}
