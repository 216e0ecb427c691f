import type { Core } from '../core/core.js';
import { contactRoom, messageDto } from './dto.js';
import type { MessengerNamespace } from './messenger.js';

/**
 * Turns committed core changes into messenger pushes. Rooms are per contact, so with the
 * Redis adapter every tab of that contact on every process receives them.
 */
export function fanOutToMessenger(core: Core, nsp: MessengerNamespace): () => void {
  return core.subscribe((event) => {
    switch (event.type) {
      case 'message:created':
        // Internal notes never reach the visitor.
        if (event.message.messageType === 'note') return;
        nsp.to(contactRoom(event.conversation.contactId)).emit('message:new', messageDto(event.message));
        return;
      case 'contact:blocked':
        nsp.to(contactRoom(event.contact.id)).emit('contact:blocked', { contactId: event.contact.id });
        return;
      case 'contact:unblocked':
        nsp.to(contactRoom(event.contact.id)).emit('contact:unblocked', { contactId: event.contact.id });
        return;
      case 'contact:deleted':
        nsp.in(contactRoom(event.contactId)).disconnectSockets(true);
        return;
    }
  });
}
