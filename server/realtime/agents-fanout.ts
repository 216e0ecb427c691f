import type { Logger } from 'pino';
import type { Core } from '../core/core.js';
import type { CoreEvent } from '../core/events.js';
import { blockEventDto, contactSummary, conversationDto, timelineEventDto } from '../presenters/agents.js';
import { heldMessageJson } from '../presenters/protection.js';
import type { AgentsNamespace } from './agents.js';
import { hasAudience } from './audience.js';
import { messageDto } from './dto.js';

/**
 * Turns committed core changes into console pushes to every agent socket. Each process
 * pushes what its own core committed; with the Redis adapter the broadcast reaches the
 * agents connected to every other process too.
 */
export function fanOutToAgents(core: Core, nsp: AgentsNamespace, logger: Logger, clustered: boolean): () => void {
  // Events are pushed in the order they were committed, even though some need a lookup.
  let queue: Promise<void> = Promise.resolve();
  const push = async (event: CoreEvent) => {
    // No console open on this process (nor a cluster to reach): nothing to look up or encode.
    if (!hasAudience(nsp, clustered)) return;
    switch (event.type) {
      case 'message:created': {
        const contact = event.contact ?? (await core.contacts.find(event.conversation.contactId));
        if (!contact) return;
        nsp.emit('message:new', { message: messageDto(event.message), conversation: conversationDto(event.conversation), contact: contactSummary(contact) });
        return;
      }
      case 'message:redacted':
        nsp.emit('message:redacted', { message: messageDto(event.message) });
        return;
      case 'conversation:updated':
        nsp.emit('conversation:updated', { conversation: conversationDto(event.conversation), ...(event.timeline?.length ? { timeline: event.timeline.map(timelineEventDto) } : {}) });
        return;
      case 'conversation:deleted':
        nsp.emit('conversation:deleted', { conversationId: event.conversationId, contactId: event.contactId });
        return;
      case 'contact:updated':
        nsp.emit('contact:updated', { contact: contactSummary(event.contact) });
        return;
      case 'contact:merged':
        nsp.emit('contact:updated', { contact: contactSummary(event.customer) });
        return;
      case 'contact:deleted':
        nsp.emit('contact:deleted', { contactId: event.contactId });
        return;
      case 'message:held':
        nsp.emit('held:new', { held: heldMessageJson(event.held) });
        return;
      case 'message:held_removed':
        nsp.emit('held:removed', { heldId: event.held.id, released: event.released });
        return;
      case 'conversation:visitor_read':
        nsp.emit('visitor:read', { conversationId: event.read.conversationId, contactId: event.contactId, messageId: event.read.messageId, readAt: event.read.readAt });
        return;
      case 'contact:blocked':
      case 'contact:unblocked': {
        // Only the agent who did it is named (a block is no reason to read every agent).
        const names = await core.agents.names(event.event?.actorType === 'admin' && event.event.actorId ? [event.event.actorId] : []);
        nsp.emit(event.type, { contact: contactSummary(event.contact), event: event.event ? blockEventDto(event.event, names) : null });
        return;
      }
    }
  };
  return core.subscribe((event) => {
    queue = queue.then(() => push(event)).catch((err) => logger.error({ err, event: event.type }, 'agents fan-out failed'));
  });
}
