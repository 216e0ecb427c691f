import type { ConversationEventRecord, ConversationRecord } from '../store/store.js';

/** Who changed a conversation, as its timeline shows it. */
export type TimelineActor = ConversationEventRecord['actor'];

/** The business's backend (REST) when no agent is named. */
export const API_ACTOR: TimelineActor = { type: 'api', id: null, name: null };
export const SYSTEM_ACTOR: TimelineActor = { type: 'system', id: null, name: null };

/**
 * The timeline events one update makes: an assignment change, a state change, or both
 * (nothing for a title edit). `assigneeName` names the new assignee as it was then.
 */
export function timelineEvents(
  previous: ConversationRecord | undefined,
  next: ConversationRecord,
  actor: TimelineActor,
  assigneeName: string | null,
): Omit<ConversationEventRecord, 'id' | 'createdAt'>[] {
  const events: Omit<ConversationEventRecord, 'id' | 'createdAt'>[] = [];
  const base = { conversationId: next.id, actor };
  if (previous && previous.adminAssigneeId !== next.adminAssigneeId) {
    events.push(next.adminAssigneeId
      ? { ...base, kind: 'assigned', assignee: { id: next.adminAssigneeId, name: assigneeName } }
      : { ...base, kind: 'unassigned', assignee: null });
  }
  if (previous && previous.state !== next.state) {
    const kind = next.state === 'closed' ? 'closed' : next.state === 'snoozed' ? 'snoozed' : 'reopened';
    events.push({ ...base, kind, assignee: null });
  }
  return events;
}
