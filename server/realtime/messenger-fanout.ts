import type { Core } from '../core/core.js';
import { hasAudience } from './audience.js';
import { contactRoom, visitorMessageDto } from './dto.js';
import type { MessengerNamespace } from './messenger.js';

/**
 * Turns committed core changes into messenger pushes. Rooms are per contact, so with the
 * Redis adapter every tab of that contact on every process receives them.
 */
export function fanOutToMessenger(core: Core, nsp: MessengerNamespace, clustered: boolean): () => void {
  return core.subscribe((event) => {
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
        return;
      }
      // Also the end of a temporary block, announced once by the process that claimed it.
      case 'contact:unblocked':
        nsp.to(contactRoom(event.contact.id)).emit('contact:unblocked', { contactId: event.contact.id });
        return;
      case 'message:redacted':
        nsp.to(contactRoom(event.conversation.contactId)).emit('message:redacted', { messageId: event.message.id, conversationId: event.conversation.id });
        return;
      case 'contact:deleted':
        nsp.in(contactRoom(event.contactId)).disconnectSockets(true);
        return;
      case 'conversation:agent_read':
        nsp.to(contactRoom(event.contactId)).emit('conversation:seen', { conversationId: event.conversationId, messageId: event.messageId });
        return;
      case 'contact:merged':
        // The lead's other tabs reconnect and are told who they are now (their token is dead).
        nsp.in(contactRoom(event.lead.id)).disconnectSockets(true);
        return;
    }
  });
}
