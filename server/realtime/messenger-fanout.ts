import type { Core } from '../core/core.js';
import { heldAsMessage } from '../core/messages.js';
import { hasAudience } from './audience.js';
import { contactRoom, visitorMessageDto } from './dto.js';
import type { MessageRecord } from '../store/store.js';
import type { MessengerNamespace } from './messenger.js';

/**
 * Turns committed core changes into messenger pushes. Rooms are per contact, so with the
 * Redis adapter every tab of that contact on every process receives them.
 */
export function fanOutToMessenger(core: Core, nsp: MessengerNamespace, clustered: boolean): () => void {
  // The sending tab has its ack; its other tabs (on any process) get the push.
  const otherTabs = (contactId: string, origin: string | undefined, message: MessageRecord) => {
    const room = contactRoom(contactId);
    if (!hasAudience(nsp, clustered, room, origin)) return;
    (origin ? nsp.to(room).except(origin) : nsp.to(room)).emit('message:new', visitorMessageDto(message, core.agents.avatarKeys()));
  };
  return core.subscribe((event) => {
    switch (event.type) {
      case 'message:created':
        // Internal notes never reach the visitor.
        if (event.message.messageType === 'note') return;
        return otherTabs(event.conversation.contactId, event.origin, event.message);
      case 'message:held':
        // Held as far as agents go; to the visitor it was sent: its other tabs show it too.
        return otherTabs(event.held.contactId, event.origin, heldAsMessage(event.held));
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
