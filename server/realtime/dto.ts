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
 * A message as a visitor sees it: agents by display name and picture (`avatars`: agent id →
 * picture path), never their internal id.
 */
export function visitorMessageDto(m: MessageRecord, avatars?: ReadonlyMap<string, string>): MessageDto {
  const dto = messageDto(m);
  if (m.authorType !== 'admin') return dto;
  const avatarUrl = avatars?.get(m.authorId);
  return { ...dto, author: { type: 'admin', name: m.authorName, ...(avatarUrl ? { avatarUrl } : {}) } };
}

/** Agent id → picture path, from agent id → picture key. */
export const avatarPaths = (keys: ReadonlyMap<string, string>): ReadonlyMap<string, string> =>
  new Map([...keys].map(([id, key]) => [id, avatarPath({ avatarKey: key })!]));

export function sessionContact(c: ContactRecord): SessionContact {
  return { id: c.id, type: c.type, blocked: c.blocked, name: c.name, email: c.email };
}

export const contactRoom = (contactId: string) => `contact:${contactId}`;
