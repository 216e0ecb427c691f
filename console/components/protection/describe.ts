// Rules in words, for lists, the Held review and the dry-run report.
import type { ProtectionAction, ProtectionCondition, ProtectionMode } from '../../../protocol/protection.js';

/** "90 s", "10 min", "1 h", "2 d". */
export function duration(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400} d`;
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

export function describeCondition(c: ProtectionCondition): string {
  switch (c.type) {
    case 'pattern':
      return `Text matches /${c.pattern}/${c.caseInsensitive === false ? '' : 'i'}`;
    case 'words':
      return `Contains ${c.words.length === 1 ? 'the word' : 'one of'} ${c.words.slice(0, 5).join(', ')}${c.words.length > 5 ? ', …' : ''}`;
    case 'links':
      return `${c.min}+ links before an agent replies`;
    case 'repeated':
      return `Same text ${c.count} times in a row within ${duration(c.windowSeconds)}`;
    case 'length':
      return c.min !== undefined && c.max !== undefined ? `${c.min}–${c.max} characters` : c.min !== undefined ? `At least ${c.min} characters` : `At most ${c.max} characters`;
    case 'rateLimitHits':
      return `${c.count} rate-limit hits within ${duration(c.windowSeconds)}`;
    case 'newLeads':
      return `${c.count}+ new leads from one ${c.by === 'ip' ? 'IP address' : 'device'} within ${duration(c.windowSeconds)}`;
    case 'afterUnblock':
      return `Within ${duration(c.withinSeconds)} of an unblock`;
    case 'contactType':
      return c.contactType === 'lead' ? 'Contact is a lead' : 'Contact is a customer';
    case 'contactAge':
      return `Contact is younger than ${duration(c.maxSeconds)}`;
    case 'earlierBlocks':
      return `Blocked ${c.min}+ times before`;
  }
}

export function describeAction(a: ProtectionAction): string {
  if (a.type === 'hold') return 'Hold for review';
  if (a.type === 'temporary_block') return `Block for ${duration(a.seconds)}`;
  return 'Block';
}

export const MODE_LABEL: Record<ProtectionMode, string> = { off: 'Off', dry_run: 'Dry run', enforce: 'On' };
export const MODES: ProtectionMode[] = ['off', 'dry_run', 'enforce'];
