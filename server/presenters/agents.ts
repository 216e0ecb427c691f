import type { AgentDto, BlockEventDto, ContactSummary, ConversationDto, InboxItem, MessagePreview, SavedReplyDto, TimelineEventDto } from '../../protocol/agents.js';
import type { AgentRecord, BlockEventRecord, ConversationEventRecord, SavedReplyRecord, ContactRecord, ConversationRecord, InboxRow, MessageRecord } from '../store/store.js';

const PREVIEW_LENGTH = 140;

/** Until an agent picks one: a colour from their id, so two agents' initials rarely look alike. */
const defaultColor = (id: string) => [...id].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) >>> 0, 7) % 8;

/** Where an agent's picture is served (an opaque key, never the agent's id), or null. */
export const avatarPath = (a: Pick<AgentRecord, 'avatarKey'>) => (a.avatarKey ? `/console/api/avatars/${a.avatarKey}` : null);

export const agentDto = (a: AgentRecord): AgentDto => ({
  id: a.id, email: a.email, name: a.name, role: a.role, createdAt: a.createdAt, avatarUrl: avatarPath(a), avatarColor: a.avatarColor ?? defaultColor(a.id),
});

export const contactSummary = (c: ContactRecord): ContactSummary => ({
  id: c.id,
  type: c.type,
  name: c.name,
  email: c.email,
  userId: c.userId,
  blocked: c.blocked,
  blockedAt: c.blockedAt,
  lastActivity: c.lastActivity,
  createdAt: c.createdAt,
});

export const conversationDto = (c: ConversationRecord): ConversationDto => ({
  id: c.id,
  contactId: c.contactId,
  state: c.state,
  title: c.title,
  createdAt: c.createdAt,
  lastActivityAt: c.lastActivityAt,
  assigneeId: c.adminAssigneeId,
});

export const timelineEventDto = (e: ConversationEventRecord): TimelineEventDto => ({
  id: e.id,
  conversationId: e.conversationId,
  kind: e.kind,
  actorType: e.actor.type,
  actorId: e.actor.id,
  actorName: e.actor.name,
  assigneeId: e.assignee?.id ?? null,
  assigneeName: e.assignee?.name ?? null,
  createdAt: e.createdAt,
});

export const messagePreview = (m: MessageRecord): MessagePreview => ({
  id: m.id,
  authorType: m.authorType,
  messageType: m.messageType,
  body: m.body.length > PREVIEW_LENGTH ? `${m.body.slice(0, PREVIEW_LENGTH - 1)}…` : m.body,
  createdAt: m.createdAt,
});

export const inboxItem = (r: InboxRow): InboxItem => ({
  conversation: conversationDto(r.conversation),
  contact: contactSummary(r.contact),
  lastMessage: r.lastMessage ? messagePreview(r.lastMessage) : null,
  unread: r.unread,
});

/** `names`: agent display names by id, for events an agent made. */
export const blockEventDto = (e: BlockEventRecord, names: Map<string, string>): BlockEventDto => ({
  ...e,
  actorName: e.actorType === 'admin' && e.actorId ? names.get(e.actorId) ?? null : e.actorType === 'api' ? 'REST API' : e.actorType === 'rule' ? 'a protection rule' : null,
});

export const savedReplyDto = (r: SavedReplyRecord): SavedReplyDto => ({ id: r.id, title: r.title, body: r.body, createdBy: r.createdBy, updatedAt: r.updatedAt });
