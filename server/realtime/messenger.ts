import type { Namespace, Server, Socket } from 'socket.io';
import * as v from 'valibot';
import type { Logger } from 'pino';
import { CONVERSATIONS_PAGE_SIZE, HISTORY_PAGE_SIZE, MAX_HISTORY_PAGE_BYTES } from '../../protocol/limits.js';
import { MESSENGER_NAMESPACE, type MessengerClientEvents, type MessengerServerEvents } from '../../protocol/messenger.js';
import type { VisitorContextDto } from '../../protocol/agents.js';
import { describeUserAgent } from './user-agent.js';
import { ConversationsListSchema, HistoryFetchSchema, PageContextSchema, ReadSchema, SendMessageSchema, TypingSchema } from '../../protocol/schemas/messenger.js';
import { FollowupSubscribeSchema } from '../../protocol/schemas/email.js';
import type { Config } from '../config.js';
import type { Core } from '../core/core.js';
import { ParleyError } from '../core/errors.js';
import { AGENTS_NAMESPACE } from './namespaces.js';
import type { ContactRecord } from '../store/store.js';
import { contactRoom, visitorMessageDto } from './dto.js';
import { avatarPath } from '../presenters/agents.js';
import { identifyVisitor, sessionPayload } from './messenger-identity.js';
import { acked, parsePayload, refuse } from './socket-validation.js';
import { originAllowed } from '../guard/origins.js';
import { clientIp } from '../guard/client-ip.js';
import type { RateLimiter } from '../guard/rate-limits.js';

export interface VisitorData {
  contactId: string;
  contactType: ContactRecord['type'];
  ip: string;
  /** The page this socket's messenger is on (memory only: never stored, gone with the socket). */
  context?: VisitorContextDto;
}

export type MessengerSocket = Socket<MessengerClientEvents, MessengerServerEvents, Record<string, never>, VisitorData>;
export type MessengerNamespace = Namespace<MessengerClientEvents, MessengerServerEvents, Record<string, never>, VisitorData>;

/** Owned conversation ids remembered per socket (a visitor rarely has more). */
const MAX_OWNED_CACHED = 64;
/** Typing events waiting for their checks per socket; more are dropped. */
const MAX_TYPING_QUEUED = 16;

/**
 * Open sockets per key (client IP, contact), in this process only: with several processes
 * each enforces its own cap, so the cluster-wide ceiling is the cap times the processes.
 */
class SlotCounter {
  private readonly counts = new Map<string, number>();
  constructor(private readonly max: number) {}

  /** Takes one slot for `key`; false when all are in use. */
  take(key: string): boolean {
    const n = this.counts.get(key) ?? 0;
    if (n >= this.max) return false;
    this.counts.set(key, n + 1);
    return true;
  }

  give(key: string) {
    const n = (this.counts.get(key) ?? 0) - 1;
    if (n > 0) this.counts.set(key, n);
    else this.counts.delete(key);
  }
}

/**
 * The slots one handshake holds, given back exactly once: when the middleware refuses it,
 * when the connected socket disconnects, or when the transport closes first (a socket that
 * never connected gets no 'disconnect').
 */
function holdSlots(socket: MessengerSocket) {
  const held: [SlotCounter, string][] = [];
  let closed = socket.conn.readyState !== 'open';
  const release = () => {
    closed = true;
    for (const [counter, key] of held.splice(0)) counter.give(key);
    socket.conn.off('close', release);
  };
  socket.conn.once('close', release);
  socket.once('disconnect', release);
  return {
    take(counter: SlotCounter, key: string): boolean {
      if (closed || !counter.take(key)) return false;
      held.push([counter, key]);
      return true;
    },
    release,
  };
}

const tooMany = (who: string, max: number) =>
  refuse('too_many_connections', `Too many open messenger connections for ${who} (at most ${max}); close one and retry.`);

/** The `/messenger` namespace: visitors connect, read history, send; blocks are enforced in the core. */
export function setupMessenger(io: Server, core: Core, config: Config, logger: Logger, limiter: RateLimiter): MessengerNamespace {
  const nsp = io.of(MESSENGER_NAMESPACE) as unknown as MessengerNamespace;
  // Agents' pictures ride on their messages; read them once now, then at most every few seconds.
  core.agents.loadAvatarKeys().catch((err) => logger.warn({ err }, 'agent pictures not read'));

  // Open sockets per client IP and per contact, counted in this process only (see SlotCounter).
  const perIp = new SlotCounter(config.maxSocketsPerIp);
  const perContact = new SlotCounter(config.maxSocketsPerContact);

  nsp.use((socket, next) => {
    const { headers } = socket.handshake;
    if (!originAllowed(headers.origin, config.allowedOrigins, headers.host)) {
      return next(refuse('origin_not_allowed', `The site ${String(headers.origin).slice(0, 100)} is not allowed to open this messenger.`));
    }
    const ip = clientIp(socket.request, config.trustProxy);
    socket.data.ip = ip;
    const slots = holdSlots(socket);
    // Counted before identification, so a flood of handshakes from one address creates no leads.
    if (!slots.take(perIp, ip)) {
      slots.release();
      return next(tooMany('this address', config.maxSocketsPerIp));
    }
    const newLead = async () => {
      const verdict = await limiter.consume([['leadsPerIp', ip]]);
      if (!verdict.ok) throw refuse('rate_limited', `Too many new visitors from this address; retry in ${Math.ceil(verdict.retryAfterMs / 1000)} s.`);
    };
    identifyVisitor(core, config, logger, socket.handshake.auth, newLead, ip).then(
      (contact) => {
        if (!slots.take(perContact, contact.id)) {
          slots.release();
          return next(tooMany('this visitor', config.maxSocketsPerContact));
        }
        socket.data.contactId = contact.id;
        socket.data.contactType = contact.type;
        next();
      },
      (err) => {
        slots.release();
        if (!(err as { data?: unknown }).data) logger.error({ err }, 'messenger identify failed');
        next((err as { data?: unknown }).data ? err : refuse('internal_error'));
      },
    );
  });

  nsp.on('connection', async (socket: MessengerSocket) => {
    const { contactId } = socket.data;
    // Join before reading the block state, so a block landing in between is still delivered.
    await socket.join(contactRoom(contactId));
    // The contact again (its block state as of now) with its follow-up, in one read.
    const [read, team] = await Promise.all([core.followups.withContact(contactId), core.messengerSettings.team()]);
    if (!read) return socket.disconnect(true);
    const { contact, followup } = read;
    socket.emit('session', sessionPayload(contact, config, {
      followup: { promptAfterSeconds: config.email.promptAfterSeconds, subscribed: !!followup && !followup.unsubscribedAt, agentsOnline: io.of(AGENTS_NAMESPACE).sockets.size > 0 },
      // Pictures only when some agent has one: the widget shows initials otherwise.
      team: team.avatarKeys.some(Boolean) ? { ...team.info, avatars: team.avatarKeys.map((k) => k && avatarPath({ avatarKey: k })) } : team.info,
    }));

    // Conversations this socket's contact was seen to own: typing for them skips the lookup.
    // Made on first use: most sockets sit idle, and each costs memory for as long as it is open.
    let owned: Set<string> | null = null;
    const own = (conversationId: string) => (owned ??= new Set()).size < MAX_OWNED_CACHED && owned.add(conversationId);

    socket.on('message:send', acked(logger, 'message:send', async (payload) => {
      const input = parsePayload(SendMessageSchema, payload);
      const verdict = await limiter.consume([['sendPerConnection', socket.id], ['sendPerContact', contactId], ['sendPerIp', socket.data.ip]]);
      if (!verdict.ok) {
        // Protection rules may count these hits (and block a visitor who keeps hitting the
        // limit); whatever happens there, this send is answered rate_limited.
        await core.protection.rateLimited(contactId).catch((err) => logger.warn({ err }, 'protection rate-limit signal failed'));
        throw new ParleyError('rate_limited', `Too many messages; retry in ${Math.ceil(verdict.retryAfterMs / 1000)} s.`);
      }
      const { message } = await core.messages.sendAsContact({
        contactId, contactType: socket.data.contactType, clientId: input.clientId, conversationId: input.conversationId, newConversation: input.newConversation,
        body: input.body, origin: socket.id,
      });
      if (message.conversationId) own(message.conversationId);
      return { message: visitorMessageDto(message) };
    }));

    socket.on('history:fetch', acked(logger, 'history:fetch', async (payload) => {
      const verdict = await limiter.consume([['historyPerConnection', socket.id]]);
      if (!verdict.ok) throw new ParleyError('rate_limited', `Too many history requests; retry in ${Math.ceil(verdict.retryAfterMs / 1000)} s.`);
      const { since, before } = parsePayload(HistoryFetchSchema, payload);
      // The first page (no `since`) also says how far agents have read; resumes and older pages get it live.
      const [{ messages, hasMore }, seenId] = await Promise.all([
        before
          ? core.messages.historyBefore(contactId, before, HISTORY_PAGE_SIZE, MAX_HISTORY_PAGE_BYTES)
          : core.messages.history(contactId, since, HISTORY_PAGE_SIZE, MAX_HISTORY_PAGE_BYTES),
        since || before ? undefined : core.receipts.agentsReadUpTo(contactId),
      ]);
      const avatarKeys = core.agents.avatarKeys();
      return { messages: messages.map((m) => visitorMessageDto(m, avatarKeys)), hasMore, ...(seenId !== undefined ? { seenId } : {}) };
    }));

    // Only the contact's own conversations; counted with history (both are reads of the past).
    socket.on('conversations:list', acked(logger, 'conversations:list', async (payload) => {
      const verdict = await limiter.consume([['historyPerConnection', socket.id]]);
      if (!verdict.ok) throw new ParleyError('rate_limited', `Too many history requests; retry in ${Math.ceil(verdict.retryAfterMs / 1000)} s.`);
      const { cursor } = parsePayload(ConversationsListSchema, payload);
      const page = await core.conversations.list({ contactId, limit: CONVERSATIONS_PAGE_SIZE, cursor });
      return {
        conversations: page.items.map(({ id, state, title, createdAt, lastActivityAt }) => ({ id, state, title, createdAt, lastActivityAt })),
        nextCursor: page.nextCursor,
      };
    }));

    // Receipts: no ack; malformed, foreign or over the limit: dropped. The widget coalesces.
    socket.on('read', (payload: unknown) => {
      const parsed = v.safeParse(ReadSchema, payload);
      if (!parsed.success) return;
      limiter.consume([['readPerConnection', socket.id]])
        .then((verdict) => (verdict.ok ? core.receipts.visitorRead(contactId, parsed.output.messageId) : undefined))
        .catch((err) => logger.warn({ err }, 'read receipt failed'));
    });

    socket.on('followup:subscribe', acked(logger, 'followup:subscribe', async (payload) => {
      const input = parsePayload(FollowupSubscribeSchema, payload);
      const verdict = await limiter.consume([['emailPerIp', socket.data.ip]]);
      if (!verdict.ok) throw new ParleyError('rate_limited', `Too many attempts; retry in ${Math.ceil(verdict.retryAfterMs / 1000)} s.`);
      await core.followups.subscribe(contactId, input);
      return {};
    }));

    const relayTyping = async (payload: unknown) => {
      // Over the limit, typing is dropped without an answer (it has no ack).
      if (!(await limiter.consume([['typingPerConnection', socket.id]])).ok) return;
      const parsed = v.safeParse(TypingSchema, payload);
      if (!parsed.success) return;
      const { conversationId, typing } = parsed.output;
      if (!owned?.has(conversationId)) {
        const conversation = await core.conversations.get(conversationId).catch((err) => {
          if (err instanceof ParleyError) return null;
          throw err;
        });
        if (conversation?.contactId !== contactId) return;
        own(conversationId);
      }
      // A blocked contact reaches no one, not even with a typing indicator.
      const contact = await core.contacts.find(contactId);
      if (contact && !contact.blocked) {
        io.of(AGENTS_NAMESPACE).emit('visitor:typing', { contactId, conversationId, typing });
        typingIn = typing ? conversationId : null;
      }
    };
    // Where the visitor is: kept on the socket for consoles that open the conversation later.
    socket.on('page:context', (payload: unknown) => {
      limiter.consume([['contextPerConnection', socket.id]]).then((verdict) => {
        const parsed = v.safeParse(PageContextSchema, payload);
        if (!verdict.ok || !parsed.success) return;
        const context: VisitorContextDto = { ...parsed.output, ...describeUserAgent(socket.handshake.headers['user-agent'] ?? ''), at: new Date().toISOString() };
        socket.data.context = context;
        io.of(AGENTS_NAMESPACE).emit('visitor:context', { contactId, context });
      }, (err) => logger.warn({ err }, 'page context relay failed'));
    });
    // A tab closed mid-sentence: the consoles' "is typing" ends with it, not seconds later.
    let typingIn: string | null = null;
    socket.once('disconnect', () => {
      if (typingIn) io.of(AGENTS_NAMESPACE).emit('visitor:typing', { contactId, conversationId: typingIn, typing: false });
    });
    // One at a time, in arrival order (a "stopped" never overtakes its "started"); typing is
    // lossy, so a socket sending faster than the checks run loses the surplus instead of queueing it.
    let typingQueue: Promise<void> | null = null;
    let typingQueued = 0;
    socket.on('typing', (payload: unknown) => {
      if (typingQueued >= MAX_TYPING_QUEUED) return;
      typingQueued++;
      typingQueue = (typingQueue ?? Promise.resolve())
        .then(() => relayTyping(payload))
        .catch((err) => logger.warn({ err }, 'typing relay failed'))
        .finally(() => {
          if (--typingQueued === 0) typingQueue = null;
        });
    });
  });

  return nsp;
}

