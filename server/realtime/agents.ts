import type { Namespace, Server, Socket } from 'socket.io';
import * as v from 'valibot';
import type { Logger } from 'pino';
import type { AgentsClientEvents, AgentsServerEvents, ContactDetail, VisitorContextDto } from '../../protocol/agents.js';
import {
  AgentSendSchema, AgentTypingSchema, AssignSchema, BlockSchema, BulkBlockSchema, ContactRefSchema, ContactsListSchema, ConversationRefSchema, InboxListSchema,
} from '../../protocol/schemas/agents.js';
import { MESSENGER_NAMESPACE } from '../../protocol/messenger.js';
import { agentSession } from '../auth/agent-session.js';
import { sameOrigin, sessionFromHeaders } from '../auth/session.js';
import type { Config } from '../config.js';
import type { Core } from '../core/core.js';
import type { AgentRecord } from '../store/store.js';
import { blockEventDto, contactSummary, conversationDto, inboxItem, timelineEventDto } from '../presenters/agents.js';
import { contactRoom, messageDto } from './dto.js';
import { AGENTS_NAMESPACE } from './namespaces.js';
import { acked, parsePayload, refuse } from './socket-validation.js';

export interface AgentData {
  agent: AgentRecord;
  /** When the session the socket connected with expires (ms); the socket is closed then. */
  sessionExpiresAt: number;
}

/** Conversations the contact page lists (the newest). */
const CONTACT_PAGE_CONVERSATIONS = 20;

// setTimeout's ceiling (~24.8 days); sessions are shorter.
const MAX_TIMER_MS = 2 ** 31 - 1;

export type AgentsSocket = Socket<AgentsClientEvents, AgentsServerEvents, Record<string, never>, AgentData>;
export type AgentsNamespace = Namespace<AgentsClientEvents, AgentsServerEvents, Record<string, never>, AgentData>;

/** The contact panel: contact plus block history with agents' names. */
export async function contactDetail(core: Core, contactId: string): Promise<ContactDetail> {
  const [contact, events, names, sharers] = await Promise.all([
    core.contacts.get(contactId), core.contacts.blockHistory(contactId), core.agents.names(), core.contacts.deviceSharers(contactId),
  ]);
  return { contact: contactSummary(contact), blockHistory: events.map((e) => blockEventDto(e, names)), sharedDevice: sharers.map(contactSummary) };
}

/**
 * The `/agents` namespace for the console. Only signed-in agents connect (session cookie in
 * the handshake); every handler validates its payload and calls the core.
 */
export function setupAgents(io: Server, core: Core, config: Config, logger: Logger): AgentsNamespace {
  const nsp = io.of(AGENTS_NAMESPACE) as unknown as AgentsNamespace;
  const messenger = io.of(MESSENGER_NAMESPACE);

  nsp.use((socket, next) => {
    if (!sameOrigin(socket.handshake.headers)) return next(refuse('forbidden', 'Cross-origin console connections are refused.'));
    agentSession(core, config.keys.session, sessionFromHeaders(socket.handshake.headers)).then(
      (session) => {
        if (!session) return next(refuse('unauthorized', 'Sign in to the console first.'));
        // Socket data crosses Redis in fetchSockets answers: the password hash stays out of it.
        socket.data.agent = { ...session.agent, passwordHash: '' };
        socket.data.sessionExpiresAt = session.expiresAt;
        next();
      },
      (err) => {
        logger.error({ err }, 'agent handshake failed');
        next(refuse('internal_error'));
      },
    );
  });

  /** The latest page any open messenger of the contact reported (on any process), or null. */
  const visitorContext = async (contactId: string) => {
    const sockets = await messenger.in(contactRoom(contactId)).fetchSockets().catch(() => []);
    const contexts = sockets.map((s) => (s.data as { context?: VisitorContextDto }).context).filter((c): c is VisitorContextDto => !!c);
    return contexts.sort((a, b) => b.at.localeCompare(a.at))[0] ?? null;
  };

  nsp.on('connection', (socket: AgentsSocket) => {
    const { agent } = socket.data;
    const actor = { type: 'admin' as const, id: agent.id, name: agent.name };
    // The socket lives no longer than its session.
    const expiry = setTimeout(() => socket.disconnect(true), Math.min(MAX_TIMER_MS, Math.max(0, socket.data.sessionExpiresAt - Date.now())));
    socket.once('disconnect', () => clearTimeout(expiry));
    // A deactivation or password change that committed while this handshake was in flight
    // may have looked for sockets before this one joined: check the account once more.
    core.agents.get(agent.id).then(
      (now) => {
        if (!now || now.deactivatedAt || now.sessionEpoch !== agent.sessionEpoch) socket.disconnect(true);
      },
      (err) => logger.warn({ err }, 'agent re-check failed'),
    );
    const on = <T extends object>(event: keyof AgentsClientEvents, run: (payload: unknown) => Promise<T>) =>
      socket.on(event, acked(logger, event, run) as never);

    on('inbox:list', async (payload) => {
      const q = parsePayload(InboxListSchema, payload);
      const page = await core.agents.inbox(agent.id, q);
      return { items: page.items.map(inboxItem), nextCursor: page.nextCursor };
    });

    on('conversation:open', async (payload) => {
      const { conversationId } = parsePayload(ConversationRefSchema, payload);
      const conversation = await core.conversations.get(conversationId);
      const [messages, contact, timeline, visitorRead] = await Promise.all([
        core.conversations.parts(conversationId, { includeNotes: true }),
        contactDetail(core, conversation.contactId),
        core.conversations.timeline(conversationId),
        core.receipts.visitorPosition(conversationId),
        core.receipts.agentRead(agent.id, conversation),
      ]);
      return {
        conversation: conversationDto(conversation), messages: messages.map(messageDto), contact, timeline: timeline.map(timelineEventDto),
        visitor: await visitorContext(conversation.contactId),
        visitorRead: visitorRead && { messageId: visitorRead.messageId, readAt: visitorRead.readAt },
      };
    });

    on('conversation:read', async (payload) => {
      const { conversationId } = parsePayload(ConversationRefSchema, payload);
      await core.receipts.agentRead(agent.id, await core.conversations.get(conversationId));
      return {};
    });

    for (const messageType of ['reply', 'note'] as const) {
      on(`conversation:${messageType}`, async (payload) => {
        const input = parsePayload(AgentSendSchema, payload);
        const { message } = await core.messages.sendAsAdmin({ adminId: agent.id, adminName: agent.name, messageType, ...input });
        // What this agent wrote is read by this agent.
        await core.agents.markRead(agent.id, input.conversationId);
        return { message: messageDto(message) };
      });
    }

    for (const [event, state] of [['conversation:close', 'closed'], ['conversation:reopen', 'open']] as const) {
      on(event, async (payload) => {
        const { conversationId } = parsePayload(ConversationRefSchema, payload);
        return { conversation: conversationDto(await core.conversations.update(conversationId, { state }, actor)) };
      });
    }

    on('conversation:assign', async (payload) => {
      const { conversationId, assigneeId } = parsePayload(AssignSchema, payload);
      return { conversation: conversationDto(await core.conversations.update(conversationId, { adminAssigneeId: assigneeId }, actor)) };
    });

    socket.on('typing', (payload: unknown) => {
      const parsed = v.safeParse(AgentTypingSchema, payload);
      if (!parsed.success) return;
      core.conversations.get(parsed.output.conversationId).then(
        (c) => messenger.to(contactRoom(c.contactId)).emit('agent:typing', { ...parsed.output, name: agent.name }),
        () => {},
      );
    });

    on('contact:get', async (payload) => {
      const { contactId } = parsePayload(ContactRefSchema, payload);
      const [detail, page] = await Promise.all([contactDetail(core, contactId), core.conversations.list({ contactId, limit: CONTACT_PAGE_CONVERSATIONS })]);
      const contact = await core.contacts.get(contactId);
      return { ...detail, conversations: page.items.map(conversationDto), attributes: contact.customFields, locale: contact.locale };
    });

    on('contacts:list', async (payload) => {
      const q = parsePayload(ContactsListSchema, payload);
      const page = await core.contacts.list({ type: 'all', search: q.search, limit: q.limit, cursor: q.cursor });
      return { items: page.items.map(contactSummary), nextCursor: page.nextCursor };
    });

    on('contact:block', async (payload) => {
      const { contactId, reason } = parsePayload(BlockSchema, payload);
      await core.agents.block(agent, contactId, reason);
      return contactDetail(core, contactId);
    });

    on('contact:unblock', async (payload) => {
      const { contactId, reason } = parsePayload(BlockSchema, payload);
      await core.agents.unblock(agent, contactId, reason);
      return contactDetail(core, contactId);
    });

    for (const [event, blocked] of [['contacts:block', true], ['contacts:unblock', false]] as const) {
      on(event, async (payload) => {
        const { contactIds, reason } = parsePayload(BulkBlockSchema, payload);
        const results = await core.agents.setBlockedMany(agent, contactIds, blocked, reason);
        return { results };
      });
    }
  });

  return nsp;
}
