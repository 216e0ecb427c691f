import type { CoreEvent } from '../core/events.js';
import { newObjectId } from './ids.js';
import type { AppendResult } from './store.js';

/** An outbox row for `event`, due at once (lease_until now). */
export function outboxRow(event: CoreEvent, now = new Date().toISOString()) {
  return { id: newObjectId(), event: JSON.stringify(event), lease_until: now, created_at: now };
}

/** The event a stored message fires, as the core announces it (without the contact: the dispatcher reads it). */
export function messageEvent(result: Extract<AppendResult, { status: 'stored' }>): CoreEvent {
  return { type: 'message:created', message: result.message, conversation: result.conversation, createdConversation: result.createdConversation };
}
