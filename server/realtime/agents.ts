import type { Namespace, Server, Socket } from 'socket.io';
import * as v from 'valibot';
import type { Logger } from 'pino';
import {
  MAX_BULK_CONTACTS, MAX_REASON_LENGTH, type AgentsClientEvents, type AgentsServerEvents, type BulkResult, type ContactDetail,
} from '../../protocol/agents.js';
import { MAX_BODY_LENGTH, MAX_CLIENT_ID_LENGTH } from '../../protocol/limits.js';
import { MESSENGER_NAMESPACE } from '../../protocol/messenger.js';
import { sameOrigin } from '../auth/session.js';
import type { Config } from '../config.js';
import type { Core } from '../core/core.js';
import { ParleyError, toErrorBody } from '../core/errors.js';
import { consoleSession } from '../http/console.js';
import type { AgentRecord } from '../store/store.js';
import { blockEventDto, contactSummary, conversationDto, inboxItem } from './agents-dto.js';
import { contactRoom, messageDto } from './dto.js';
import { AGENTS_NAMESPACE } from './namespaces.js';
import { acked, parsePayload, refuse } from './socket-validation.js';

export interface AgentData {
  agent: AgentRecord;
  /** When the session the socket connected with expires (ms); the socket is closed then. */
  sessionExpiresAt: number;
}

// setTimeout's ceiling (~24.8 days); sessions are shorter.
const MAX_TIMER_MS = 2 ** 31 - 1;

export type AgentsSocket = Socket<AgentsClientEvents, AgentsServerEvents, Record<string, never>, AgentData>;
export type AgentsNamespace = Namespace<AgentsClientEvents, AgentsServerEvents, Record<string, never>, AgentData>;

const objectId = v.pipe(v.string(), v.regex(/^[0-9a-f]{24}$/, 'must be a 24-character hex id'));
const conversationId = v.pipe(v.string(), v.regex(/^[1-9][0-9]{0,15}$/, 'must be a conversation id'));
const reason = v.optional(v.nullable(v.pipe(v.string(), v.maxLength(MAX_REASON_LENGTH))));
const limit = v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100)), 50);
const cursor = v.optional(v.nullable(v.pipe(v.string(), v.maxLength(200))));

const InboxList = v.optional(v.object({
  state: v.optional(v.picklist(['open', 'closed'])),
  blocked: v.optional(v.boolean()),
  search: v.optional(v.pipe(v.string(), v.maxLength(200))),
  limit,
  cursor,
}), {});
const ConversationRef = v.object({ conversationId });
const Send = v.object({
  conversationId,
  // The length rule lives in the core (message_too_long); this only caps what we parse.
  body: v.pipe(v.string(), v.maxLength(MAX_BODY_LENGTH * 4)),
  clientId: v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_CLIENT_ID_LENGTH)),
});
const Typing = v.object({ conversationId, typing: v.boolean() });
const ContactRef = v.object({ contactId: objectId });
const Block = v.object({ contactId: objectId, reason });
const Bulk = v.object({ contactIds: v.pipe(v.array(objectId), v.minLength(1), v.maxLength(MAX_BULK_CONTACTS)), reason });
const ContactsList = v.optional(v.object({ limit, cursor }), {});

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
    consoleSession(core, config.keys.session, socket.handshake.headers).then(
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

  nsp.on('connection', (socket: AgentsSocket) => {
    const { agent } = socket.data;
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
      socket.on(event, acked(logger, `agents ${event}`, run) as never);

    on('inbox:list', async (payload) => {
      const q = parsePayload(InboxList, payload);
      const page = await core.agents.inbox(agent.id, q);
      return { items: page.items.map(inboxItem), nextCursor: page.nextCursor };
    });

    on('conversation:open', async (payload) => {
      const { conversationId } = parsePayload(ConversationRef, payload);
      const conversation = await core.conversations.get(conversationId);
      const [messages, contact] = await Promise.all([
        core.conversations.parts(conversationId, { includeNotes: true }),
        contactDetail(core, conversation.contactId),
        core.agents.markRead(agent.id, conversationId),
      ]);
      return { conversation: conversationDto(conversation), messages: messages.map(messageDto), contact };
    });

    on('conversation:read', async (payload) => {
      const { conversationId } = parsePayload(ConversationRef, payload);
      await core.agents.markRead(agent.id, conversationId);
      return {};
    });

    for (const messageType of ['reply', 'note'] as const) {
      on(`conversation:${messageType}`, async (payload) => {
        const input = parsePayload(Send, payload);
        const { message } = await core.messages.sendAsAdmin({ adminId: agent.id, adminName: agent.name, messageType, ...input });
        // What this agent wrote is read by this agent.
        await core.agents.markRead(agent.id, input.conversationId);
        return { message: messageDto(message) };
      });
    }

    for (const [event, state] of [['conversation:close', 'closed'], ['conversation:reopen', 'open']] as const) {
      on(event, async (payload) => {
        const { conversationId } = parsePayload(ConversationRef, payload);
        return { conversation: conversationDto(await core.conversations.update(conversationId, { state })) };
      });
    }

    socket.on('typing', (payload: unknown) => {
      const parsed = v.safeParse(Typing, payload);
      if (!parsed.success) return;
      core.conversations.get(parsed.output.conversationId).then(
        (c) => messenger.to(contactRoom(c.contactId)).emit('agent:typing', { ...parsed.output, name: agent.name }),
        () => {},
      );
    });

    on('contact:get', async (payload) => contactDetail(core, parsePayload(ContactRef, payload).contactId));

    on('contacts:list', async (payload) => {
      const q = parsePayload(ContactsList, payload);
      const page = await core.contacts.list({ type: 'all', limit: q.limit, cursor: q.cursor });
      return { items: page.items.map(contactSummary), nextCursor: page.nextCursor };
    });

    on('contact:block', async (payload) => {
      const { contactId, reason } = parsePayload(Block, payload);
      await core.agents.block(agent, contactId, reason);
      return contactDetail(core, contactId);
    });

    on('contact:unblock', async (payload) => {
      const { contactId, reason } = parsePayload(Block, payload);
      await core.agents.unblock(agent, contactId, reason);
      return contactDetail(core, contactId);
    });

    for (const [event, blocked] of [['contacts:block', true], ['contacts:unblock', false]] as const) {
      on(event, async (payload) => {
        const { contactIds, reason } = parsePayload(Bulk, payload);
        if (!core.agents.canBlock(agent)) throw new ParleyError('forbidden', `Agents with the ${agent.role} role may not block or unblock contacts.`);
        const results: BulkResult[] = [];
        // One at a time: each goes through the same transaction as a single block.
        for (const contactId of new Set(contactIds)) {
          try {
            await (blocked ? core.agents.block(agent, contactId, reason) : core.agents.unblock(agent, contactId, reason));
            results.push({ contactId, ok: true });
          } catch (err) {
            results.push({ contactId, ok: false, error: toErrorBody(err) });
          }
        }
        return { results };
      });
    }
  });

  return nsp;
}
