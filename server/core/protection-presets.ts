import type { ProtectionRuleCreateInput } from '../../protocol/schemas/protection.js';

/** Links a lead may send before an agent has answered; one more is held. */
export const RECOMMENDED_LINKS = 3;

/**
 * The recommended set, off until an admin switches it on (`POST /v2/protection/recommended`).
 * Each has a key so switching again finds and updates it instead of adding a copy.
 */
export const RECOMMENDED_RULES: { key: string; rule: Omit<ProtectionRuleCreateInput, 'mode'> }[] = [
  {
    key: 'repeated-text',
    rule: {
      name: 'Same message 5 times in a minute',
      description: 'A visitor sending identical text again and again is flooding: hold from the fifth copy on.',
      conditions: [{ type: 'repeated', count: 5, windowSeconds: 60 }],
      action: { type: 'hold' },
    },
  },
  {
    key: 'lead-link-spam',
    rule: {
      name: `Lead sending more than ${RECOMMENDED_LINKS} links before any reply`,
      description: 'Link spam comes from leads who never waited for an answer.',
      conditions: [{ type: 'contactType', contactType: 'lead' }, { type: 'links', min: RECOMMENDED_LINKS + 1 }],
      action: { type: 'hold' },
    },
  },
  {
    key: 'rate-limit-abuse',
    rule: {
      name: '3 rate-limit hits in 10 minutes',
      description: 'A visitor who keeps running into the send limit is a script: block for an hour.',
      conditions: [{ type: 'rateLimitHits', count: 3, windowSeconds: 600 }],
      action: { type: 'temporary_block', seconds: 3600 },
    },
  },
];
