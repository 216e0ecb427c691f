import type { CoreEvent } from '../core/events.js';
import { newObjectId } from './ids.js';
import type { Stmt } from './protection-sql.js';
import type { AppendResult } from './store.js';

/** An outbox row for `event`, due at once (lease_until now). */
export function outboxRow(event: CoreEvent, now = new Date().toISOString()) {
  return { id: newObjectId(), event: JSON.stringify(event), lease_until: now, created_at: now };
}

/** The statement that writes `event` to the outbox (the shared SQL of protection and the block lock). */
export const outboxStmt = (event: CoreEvent, now: string): Stmt => {
  const row = outboxRow(event, now);
  return { sql: 'INSERT INTO webhook_outbox (id, event, lease_until, created_at) VALUES (?, ?, ?, ?)', params: [row.id, row.event, row.lease_until, row.created_at] };
};

/** The event a stored message fires, as the core announces it (without the contact: the dispatcher reads it). */
export function messageEvent(result: Extract<AppendResult, { status: 'stored' }>): CoreEvent {
  return { type: 'message:created', message: result.message, conversation: result.conversation, createdConversation: result.createdConversation };
}
