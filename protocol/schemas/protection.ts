import * as v from 'valibot';
import { ObjectId, shortText } from './ids.js';
import { PageQuery } from './query.js';

/**
 * Automatic protection rules (`/v2/protection`): conditions and actions as data, never code.
 * Every list, string and number has a bound here; whether a pattern compiles under the
 * linear-time matcher is the core's check (server/core/protection-rules.ts).
 */

/** Most rules a server keeps (each one costs every visitor's message a little). */
export const MAX_PROTECTION_RULES = 50;
/** Longest pattern, in characters. */
export const MAX_PATTERN_LENGTH = 200;
/** Most words in a word list, and the longest word. */
export const MAX_WORDS = 100;
export const MAX_WORD_LENGTH = 50;
/** Longest window any condition looks back over: a day. */
export const MAX_WINDOW_SECONDS = 86_400;
/** Largest count a condition can wait for. */
export const MAX_CONDITION_COUNT = 100;

const int = (min: number, max: number) => v.pipe(v.number(), v.integer('must be an integer'), v.minValue(min), v.maxValue(max, `must be at most ${max}`));
const count = int(1, MAX_CONDITION_COUNT);
const windowSeconds = int(1, MAX_WINDOW_SECONDS);

export const ProtectionCondition = v.variant('type', [
  /** The message body matches an RE2 pattern (no backreferences or lookaround: linear time). */
  v.strictObject({
    type: v.literal('pattern'),
    pattern: v.pipe(v.string(), v.minLength(1, 'must not be empty'), v.maxLength(MAX_PATTERN_LENGTH, `must be at most ${MAX_PATTERN_LENGTH} characters`)),
    caseInsensitive: v.optional(v.boolean(), true),
  }),
  /** The body contains one of these words (whole words, case-insensitive). */
  v.strictObject({
    type: v.literal('words'),
    words: v.pipe(v.array(v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(MAX_WORD_LENGTH))), v.minLength(1), v.maxLength(MAX_WORDS)),
  }),
  /** The contact has sent at least `min` links since an agent last replied in the conversation (this message included). */
  v.strictObject({ type: v.literal('links'), min: count }),
  /** The same text from this contact at least `count` times within the window (this message included). */
  v.strictObject({ type: v.literal('repeated'), count: int(2, MAX_CONDITION_COUNT), windowSeconds }),
  /** The body is at least `min` and/or at most `max` characters long. */
  v.pipe(
    v.strictObject({ type: v.literal('length'), min: v.optional(int(1, 100_000)), max: v.optional(int(0, 100_000)) }),
    v.check((c) => c.min !== undefined || c.max !== undefined, 'needs min or max'),
  ),
  /** The contact was refused by a send rate limit at least `count` times within the window. */
  v.strictObject({ type: v.literal('rateLimitHits'), count, windowSeconds }),
  /** At least `count` new leads came from the contact's IP address (or device) within the window. */
  v.strictObject({ type: v.literal('newLeads'), by: v.picklist(['ip', 'device'], 'must be ip or device'), count, windowSeconds }),
  /** The contact was unblocked less than `withinSeconds` ago. */
  v.strictObject({ type: v.literal('afterUnblock'), withinSeconds: windowSeconds }),
  /** The contact is a lead or a customer. */
  v.strictObject({ type: v.literal('contactType'), contactType: v.picklist(['lead', 'customer'], 'must be lead or customer') }),
  /** The contact was created less than `maxSeconds` ago. */
  v.strictObject({ type: v.literal('contactAge'), maxSeconds: int(1, 365 * 86_400) }),
  /** The contact has been blocked at least `min` times before. */
  v.strictObject({ type: v.literal('earlierBlocks'), min: count }),
]);

export const ProtectionAction = v.variant('type', [
  /** Stored, but not shown in the inbox or pushed to agents until released; the visitor is not told. */
  v.strictObject({ type: v.literal('hold') }),
  /** The contact is blocked for `seconds`; the message that fired it is refused. */
  v.strictObject({ type: v.literal('temporary_block'), seconds: int(1, 365 * 86_400) }),
  /** The contact is blocked until someone unblocks it; the message that fired it is refused. */
  v.strictObject({ type: v.literal('block') }),
]);

/** `off`: kept, not evaluated. `dry_run`: evaluated and logged, never acts. `enforce`: acts. */
export const ProtectionMode = v.picklist(['off', 'dry_run', 'enforce'], 'must be off, dry_run or enforce');

const ruleName = v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(100));
const conditions = v.pipe(v.array(ProtectionCondition), v.minLength(1, 'must have at least one condition'), v.maxLength(10, 'must have at most 10 conditions'));

export const ProtectionRuleCreate = v.strictObject({
  name: ruleName,
  description: v.optional(v.nullable(shortText(500))),
  /** New rules start in dry run unless told otherwise: see what a rule would do before it acts. */
  mode: v.optional(ProtectionMode, 'dry_run'),
  /** Every condition must hold for the rule to fire. */
  conditions,
  action: ProtectionAction,
});

export const ProtectionRuleUpdate = v.strictObject({
  name: v.optional(ruleName),
  description: v.optional(v.nullable(shortText(500))),
  mode: v.optional(ProtectionMode),
  conditions: v.optional(conditions),
  action: v.optional(ProtectionAction),
});

export const RecommendedRulesBody = v.strictObject({ mode: ProtectionMode });

export const ProtectionIdParams = v.object({ id: ObjectId });

export const ProtectionEventsQuery = v.looseObject({
  ...PageQuery.entries,
  ruleId: v.optional(ObjectId),
  mode: v.optional(v.picklist(['dry_run', 'enforce'], 'must be dry_run or enforce')),
});

export type ProtectionConditionInput = v.InferOutput<typeof ProtectionCondition>;
export type ProtectionActionInput = v.InferOutput<typeof ProtectionAction>;
export type ProtectionModeName = v.InferOutput<typeof ProtectionMode>;
export type ProtectionRuleCreateInput = v.InferOutput<typeof ProtectionRuleCreate>;
export type ProtectionRuleUpdateInput = v.InferOutput<typeof ProtectionRuleUpdate>;
