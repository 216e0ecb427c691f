import type { Namespace, Server, Socket } from 'socket.io';
import * as v from 'valibot';
import type { Logger } from 'pino';
import { HISTORY_PAGE_SIZE, MAX_BODY_LENGTH, MAX_CLIENT_ID_LENGTH } from '../../protocol/limits.js';
import { MESSENGER_NAMESPACE, type MessengerClientEvents, type MessengerServerEvents } from '../../protocol/messenger.js';
import type { Config } from '../config.js';
import type { Core } from '../core/core.js';
import { ParleyError } from '../core/errors.js';
import { AGENTS_NAMESPACE } from './namespaces.js';
import type { ContactRecord } from '../store/store.js';
import { contactRoom, messageDto } from './dto.js';
import { identifyVisitor, sessionPayload } from './messenger-identity.js';
import { acked, parsePayload, refuse } from './socket-validation.js';
import { originAllowed } from '../guard/origins.js';
import { clientIp } from '../guard/client-ip.js';
import type { RateLimiter } from '../guard/rate-limits.js';

export interface VisitorData {
  contactId: string;
  contactType: ContactRecord['type'];
  ip: string;
}

export type MessengerSocket = Socket<MessengerClientEvents, MessengerServerEvents, Record<string, never>, VisitorData>;
export type MessengerNamespace = Namespace<MessengerClientEvents, MessengerServerEvents, Record<string, never>, VisitorData>;

const Send = v.object({
  clientId: v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_CLIENT_ID_LENGTH)),
  conversationId: v.optional(v.pipe(v.string(), v.regex(/^[1-9][0-9]{0,15}$/, 'must be a conversation id'))),
  // Length beyond the limit is reported as message_too_long by the core, not here.
  body: v.pipe(v.string(), v.maxLength(MAX_BODY_LENGTH * 4)),
});

const History = v.optional(v.object({ since: v.optional(v.nullable(v.pipe(v.string(), v.regex(/^[0-9a-f]{24}$/)))) }), {});
const Typing = v.object({ conversationId: v.pipe(v.string(), v.maxLength(20)), typing: v.boolean() });

/** The `/messenger` namespace: visitors connect, read history, send; blocks are enforced in the core. */
export function setupMessenger(io: Server, core: Core, config: Config, logger: Logger, limiter: RateLimiter): MessengerNamespace {
  const nsp = io.of(MESSENGER_NAMESPACE) as unknown as MessengerNamespace;

  nsp.use((socket, next) => {
    const { headers } = socket.handshake;
    if (!originAllowed(headers.origin, config.allowedOrigins, headers.host)) {
      return next(refuse('origin_not_allowed', `The site ${String(headers.origin).slice(0, 100)} is not allowed to open this messenger.`));
    }
    const ip = clientIp(socket.request, config.trustProxy);
    socket.data.ip = ip;
    const newLead = async () => {
      const verdict = await limiter.consume([['leadsPerIp', ip]]);
      if (!verdict.ok) throw refuse('rate_limited', `Too many new visitors from this address; retry in ${Math.ceil(verdict.retryAfterMs / 1000)} s.`);
    };
    identifyVisitor(core, config, logger, socket.handshake.auth, newLead, ip).then(
      (contact) => {
        socket.data.contactId = contact.id;
        socket.data.contactType = contact.type;
        next();
      },
      (err) => {
        if (!(err as { data?: unknown }).data) logger.error({ err }, 'messenger identify failed');
        next((err as { data?: unknown }).data ? err : refuse('internal_error'));
      },
    );
  });

  nsp.on('connection', async (socket: MessengerSocket) => {
    const { contactId } = socket.data;
    // Join before reading the block state, so a block landing in between is still delivered.
    await socket.join(contactRoom(contactId));
    const contact = await core.store.getContact(contactId);
    if (!contact) return socket.disconnect(true);
    socket.emit('session', sessionPayload(contact, config));

    socket.on('message:send', acked(logger, 'message:send', async (payload) => {
      const input = parsePayload(Send, payload);
      const verdict = await limiter.consume([['sendPerConnection', socket.id], ['sendPerContact', contactId], ['sendPerIp', socket.data.ip]]);
      if (!verdict.ok) throw new ParleyError('rate_limited', `Too many messages; retry in ${Math.ceil(verdict.retryAfterMs / 1000)} s.`);
      const { message } = await core.messages.sendAsContact({
        contactId, contactType: socket.data.contactType, clientId: input.clientId, conversationId: input.conversationId, body: input.body, origin: socket.id,
      });
      return { message: messageDto(message) };
    }));

    socket.on('history:fetch', acked(logger, 'history:fetch', async (payload) => {
      const { since } = parsePayload(History, payload);
      const { messages, hasMore } = await core.messages.history(contactId, since, HISTORY_PAGE_SIZE);
      return { messages: messages.map(messageDto), hasMore };
    }));

    socket.on('typing', (payload: unknown) => {
      const parsed = v.safeParse(Typing, payload);
      if (!parsed.success) return;
      // A blocked contact reaches no one, not even with a typing indicator.
      core.store.getContact(contactId).then(
        (contact) => contact && !contact.blocked && io.of(AGENTS_NAMESPACE).emit('visitor:typing', { contactId, ...parsed.output }),
        (err) => logger.warn({ err }, 'typing: contact lookup failed'),
      );
    });
  });

  return nsp;
}

