import type { Core } from '../core/core.js';
import { hasAudience } from './audience.js';
import { contactRoom, visitorMessageDto } from './dto.js';
import type { MessengerNamespace } from './messenger.js';

/**
 * Turns committed core changes into messenger pushes. Rooms are per contact, so with the
 * Redis adapter every tab of that contact on every process receives them.
 */
export function fanOutToMessenger(core: Core, nsp: MessengerNamespace, clustered: boolean): () => void {
  // A temporary block ends without a committed change; the process that set it tells the
  // tabs when (a restart forgets the timer: the next connect's session shows the state).
  const expiries = new Map<string, NodeJS.Timeout>();
  const clearExpiry = (contactId: string) => {
    clearTimeout(expiries.get(contactId));
    expiries.delete(contactId);
  };
  const unsubscribe = core.subscribe((event) => {
    switch (event.type) {
      case 'message:created':
      {
        // Internal notes never reach the visitor.
        if (event.message.messageType === 'note') return;
        // The sending tab has its ack; its other tabs (on any process) get the push.
        const room = contactRoom(event.conversation.contactId);
        if (!hasAudience(nsp, clustered, room, event.origin)) return;
        (event.origin ? nsp.to(room).except(event.origin) : nsp.to(room)).emit('message:new', visitorMessageDto(event.message));
        return;
      }
      case 'contact:blocked': {
        const { id, blockedUntil } = event.contact;
        nsp.to(contactRoom(id)).emit('contact:blocked', blockedUntil ? { contactId: id, blockedUntil } : { contactId: id });
        clearExpiry(id);
        const ms = blockedUntil ? Date.parse(blockedUntil) - Date.now() : NaN;
        // setTimeout holds at most ~24.8 days; longer blocks are seen at the next connect.
        if (ms > 0 && ms < 2 ** 31 - 1) {
          expiries.set(id, setTimeout(() => {
            expiries.delete(id);
            nsp.to(contactRoom(id)).emit('contact:unblocked', { contactId: id });
          }, ms + 50).unref());
        }
        return;
      }
      case 'contact:unblocked':
        clearExpiry(event.contact.id);
        nsp.to(contactRoom(event.contact.id)).emit('contact:unblocked', { contactId: event.contact.id });
        return;
      case 'message:redacted':
        nsp.to(contactRoom(event.conversation.contactId)).emit('message:redacted', { messageId: event.message.id, conversationId: event.conversation.id });
        return;
      case 'contact:deleted':
        nsp.in(contactRoom(event.contactId)).disconnectSockets(true);
        return;
      case 'contact:merged':
        // The lead's other tabs reconnect and are told who they are now (their token is dead).
        nsp.in(contactRoom(event.lead.id)).disconnectSockets(true);
        return;
    }
  });
  return () => {
    unsubscribe();
    for (const timer of expiries.values()) clearTimeout(timer);
    expiries.clear();
  };
}
