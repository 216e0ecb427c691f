import type { MessageDto, SessionContact } from '../../protocol/types.js';
import { avatarPath } from '../presenters/agents.js';
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

/**
 * A message as a visitor sees it: agents by display name and picture (`avatarKeys`: agent id →
 * picture key), never their internal id. Only an agent's message looks its picture up.
 */
export function visitorMessageDto(m: MessageRecord, avatarKeys?: ReadonlyMap<string, string>): MessageDto {
  const dto = messageDto(m);
  if (m.authorType !== 'admin') return dto;
  const avatarUrl = avatarPath({ avatarKey: avatarKeys?.get(m.authorId) ?? null });
  return { ...dto, author: { type: 'admin', name: m.authorName, ...(avatarUrl ? { avatarUrl } : {}) } };
}

export function sessionContact(c: ContactRecord): SessionContact {
  return { id: c.id, type: c.type, blocked: c.blocked, name: c.name, email: c.email };
}

export const contactRoom = (contactId: string) => `contact:${contactId}`;
