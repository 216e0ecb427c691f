import type { MessageDto, SessionContact } from '../../protocol/types.js';
import type { ContactRecord, MessageRecord } from '../store/store.js';

export function messageDto(m: MessageRecord): MessageDto {
  return {
    id: m.id,
    conversationId: m.conversationId,
    clientId: m.clientId,
    author: { type: m.authorType, id: m.authorId, name: m.authorName },
    body: m.body,
    messageType: m.messageType,
    createdAt: m.createdAt,
    ...(m.redactedAt ? { redacted: true as const } : {}),
  };
}

/** A message as a visitor sees it: agents by display name only, never their internal id. */
export function visitorMessageDto(m: MessageRecord): MessageDto {
  const dto = messageDto(m);
  return m.authorType === 'admin' ? { ...dto, author: { type: 'admin', name: m.authorName } } : dto;
}

export function sessionContact(c: ContactRecord): SessionContact {
  return { id: c.id, type: c.type, blocked: c.blocked, name: c.name, email: c.email };
}

export const contactRoom = (contactId: string) => `contact:${contactId}`;
