// Messenger state and the /messenger socket: session, history resume, optimistic sends with
// an offline queue, blocked state, typing, unread count. No DOM here; the components read
// the signals. One instance per booted widget (no module-level state).
import { batch, computed, signal } from '@preact/signals';
import type { MessageDto, SessionContact } from '../protocol/types.js';
import type { ErrorCode } from '../protocol/errors.js';
import type { FollowupInfo, MessengerAuth, MessengerClientEvents, MessengerServerEvents, TeamInfo } from '../protocol/messenger.js';
import type { Socket } from 'socket.io-client';
import type { SafeStorage } from './storage.js';

export type SendStatus = 'pending' | 'sent' | 'failed' | 'undelivered';
export type FailReason = ErrorCode | 'timeout';

/** A message in the thread: confirmed by the server (`id`), or still optimistic. */
export interface Item extends Omit<MessageDto, 'id'> {
  id: string | null;
  status: SendStatus;
  reason?: FailReason;
  /** Starts a new conversation (sent as `newConversation`, also on retries). */
  nc?: boolean;
}

export type MessengerSocket = Socket<MessengerServerEvents, MessengerClientEvents>;
export type Connect = (url: string, opts: { auth: (cb: (auth: MessengerAuth) => void) => void; transports: string[] }) => MessengerSocket;

export interface MessengerOptions {
  server: string;
  storage: SafeStorage;
  connect: Connect;
  /** Identity sent on every (re)connect, next to the stored visitor token. */
  identity: () => MessengerAuth;
  /** How long a send may stay unanswered on a live connection before it is marked failed. */
  sendTimeoutMs?: number;
}

const TOKEN = 'token';
const READ = 'read';
const DEVICE = 'device';

function uid(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

export function createMessenger(o: MessengerOptions) {
  const items = signal<Item[]>([]);
  const contact = signal<SessionContact | null>(null);
  const blocked = signal(false);
  const online = signal(false);
  /** Connected once already; "reconnecting" is only shown after that. */
  const wasOnline = signal(false);
  /** Agent typing: undefined when nobody is, otherwise the name (null when unknown). */
  const agentTyping = signal<string | null | undefined>(undefined);
  const readId = signal(o.storage.get(READ));
  /** The latest agent reply pushed live (not from history): the preview bubble and chime. */
  const incoming = signal<MessageDto | null>(null);
  /** The visitor's newest message an agent has read ("Seen"). */
  const seenId = signal<string | null>(null);
  let readTimer: ReturnType<typeof setTimeout> | undefined;
  let readSent: string | null = null;
  /** Email follow-up settings and whether an address is on file (from the session). */
  const followup = signal<FollowupInfo | null>(null);
  /** Who answers and when (names, reply time, office hours), from the session. */
  const team = signal<TeamInfo | null>(null);
  /** The server has messages older than the thread's first (see components/older.tsx). */
  const older = signal(false);
  /** Composer text; kept here so it survives the composer unmounting (blocked, reload of the panel). */
  const draft = signal('');
  /** A random id for this browser, sent so a wider block can also cover the device. */
  const device = () => {
    let id = o.storage.get(DEVICE);
    if (!id) o.storage.set(DEVICE, (id = uid()));
    return id;
  };
  let fresh = false; // the next message starts a new conversation
  let ready = false; // session received and history merged on the current connection
  let typingTimer: ReturnType<typeof setTimeout> | undefined;
  let ownTyping = 0;
  let ownTypingTimer: ReturnType<typeof setTimeout> | undefined;

  const unread = computed(() => {
    let n = 0;
    const list = items.value;
    for (let i = list.length - 1; i >= 0 && list[i].id !== readId.value; i--) if (list[i].author.type === 'admin') n++;
    return n;
  });

  const lastId = () => {
    const list = items.value;
    for (let i = list.length - 1; i >= 0; i--) if (list[i].id) return list[i].id;
    return null;
  };
  const conversationId = () => {
    const list = items.value;
    for (let i = list.length - 1; i >= 0; i--) if (list[i].conversationId) return list[i].conversationId;
    return null;
  };

  /** Adds server messages: skips known ids, replaces optimistic copies by clientId. */
  function merge(messages: MessageDto[]) {
    if (!messages.length) return;
    const list = items.value.slice();
    for (const m of messages) {
      if (list.some((x) => x.id === m.id)) continue;
      const mine = m.clientId ? list.findIndex((x) => x.clientId === m.clientId) : -1;
      const confirmed: Item = { ...m, status: 'sent' };
      if (mine >= 0) list[mine] = confirmed;
      else {
        // Server messages go before anything still unconfirmed at the end of the thread.
        let at = list.length;
        while (at > 0 && !list[at - 1].id) at--;
        list.splice(at, 0, confirmed);
      }
      if (m.author.type === 'admin') agentTyping.value = undefined;
    }
    items.value = list;
  }

  function patch(clientId: string | null, change: Partial<Item>) {
    items.value = items.value.map((x) => (x.clientId === clientId && !x.id ? { ...x, ...change } : x));
  }

  function setBlocked(value: boolean) {
    batch(() => {
      blocked.value = value;
      // Nothing unconfirmed will go out any more: say so, with the reason.
      if (value) items.value = items.value.map((x) => (x.id || x.status === 'undelivered' ? x : { ...x, status: 'undelivered', reason: 'contact_blocked' }));
    });
  }

  function transmit(it: Item) {
    if (!ready || blocked.value || !socket.connected) return; // stays pending: sent after the next session
    const clientId = it.clientId!;
    const timer = setTimeout(() => {
      if (socket.connected) patch(clientId, { status: 'failed', reason: 'timeout' });
    }, o.sendTimeoutMs ?? 15_000);
    socket.emit('message:send', { clientId, body: it.body, newConversation: it.nc }, (res) => {
      clearTimeout(timer);
      if (res.ok) merge([res.message]);
      else if (res.error.code === 'contact_blocked') setBlocked(true);
      else patch(clientId, { status: 'failed', reason: res.error.code });
    });
  }

  function fetchHistory(since: string | null) {
    socket.emit('history:fetch', { since }, (res) => {
      if (res.ok) {
        merge(res.messages);
        if (res.seenId !== undefined) seenId.value = res.seenId;
        if (res.hasMore && since) return fetchHistory(lastId());
        // Older messages than the latest page: the thread loads them as the visitor scrolls up.
        older.value ||= res.hasMore;
      }
      ready = true;
      for (const it of items.value) if (it.status === 'pending') transmit(it);
    });
  }

  const socket = o.connect(o.server + '/messenger', {
    auth: (cb) => cb({ ...o.identity(), visitorToken: o.storage.get(TOKEN) ?? undefined, deviceId: device() }),
    transports: ['websocket'],
  });
  // Which page the visitor is on is for agents only: its code loads after the first session,
  // outside the bytes a page pays before the visitor opens the messenger.
  let stopPageContext: (() => void) | null = null;
  let pageContext: Promise<void> | null = null;
  let destroyed = false;
  socket.on('session', () => {
    pageContext ??= import('./page-context.js').then((m) => {
      if (!destroyed) stopPageContext = m.reportPageContext(socket);
    });
  });
  // A refused handshake is not retried by socket.io: decide here. A stale or foreign visitor
  // token (server reset, secret rotated) is dropped so the visitor starts afresh as a lead;
  // a rate limit or the connection cap is waited out; anything else (e.g. origin not allowed) stays offline.
  socket.on('connect_error', (err) => {
    const code = (err as { data?: { code?: string } }).data?.code;
    if (code === 'identity_invalid' && o.storage.get(TOKEN)) {
      o.storage.del(TOKEN);
      socket.connect();
    } else if (code === 'rate_limited' || code === 'too_many_connections') setTimeout(() => socket.connect(), 15_000);
  });
  socket.on('connect', () => {
    online.value = wasOnline.value = true;
  });
  socket.on('disconnect', () => {
    ready = false;
    online.value = false;
    agentTyping.value = undefined;
  });
  socket.on('session', (s) => {
    // Leads get a fresh token each time; a customer gets none and the lead token is kept.
    if (s.visitorToken) o.storage.set(TOKEN, s.visitorToken);
    contact.value = s.contact;
    followup.value = s.followup ?? null;
    team.value = s.team ?? null;
    setBlocked(s.contact.blocked);
    fetchHistory(lastId());
  });
  socket.on('message:new', (m) => {
    merge([m]);
    if (m.author.type === 'admin') incoming.value = m;
  });
  socket.on('message:redacted', ({ messageId }) => (items.value = items.value.filter((x) => x.id !== messageId)));
  socket.on('conversation:seen', (s) => (seenId.value = s.messageId));
  socket.on('contact:blocked', () => setBlocked(true));
  socket.on('contact:unblocked', () => setBlocked(false));
  socket.on('agent:typing', (t) => {
    clearTimeout(typingTimer);
    agentTyping.value = t.typing ? t.name ?? null : undefined;
    // A lost "stopped typing" must not leave the dots forever.
    if (t.typing) typingTimer = setTimeout(() => (agentTyping.value = undefined), 10_000);
  });

  return {
    /** Server URL: agents' pictures are paths on it. */
    server: o.server,
    socket,
    older,
    items,
    contact,
    blocked,
    online,
    wasOnline,
    agentTyping,
    unread,
    draft,
    followup,
    team,
    seenId,
    incoming,
    /** Leaves an address for replies written while the visitor is away; resolves with the failure, or null. */
    subscribeEmail(email: string, pageUrl: string, locale?: string): Promise<FailReason | null> {
      return new Promise((resolve) => {
        if (!socket.connected) return resolve('timeout');
        const timer = setTimeout(() => resolve('timeout'), o.sendTimeoutMs ?? 15_000);
        socket.emit('followup:subscribe', { email, pageUrl: /^https?:/.test(pageUrl) ? pageUrl.slice(0, 2048) : undefined, locale }, (res) => {
          clearTimeout(timer);
          if (res.ok && followup.value) followup.value = { ...followup.value, subscribed: true };
          resolve(res.ok ? null : res.error.code);
        });
      });
    },
    /** Queues a message; false when it cannot be sent at all (blocked or empty). */
    send(text: string): boolean {
      const body = text.trim();
      if (!body || blocked.value) return false;
      const c = contact.value;
      const it: Item = {
        id: null,
        clientId: uid(),
        conversationId: (!fresh && conversationId()) || '',
        nc: fresh || undefined,
        author: { type: c?.type ?? 'lead', id: c?.id ?? '' },
        body,
        messageType: 'reply',
        createdAt: new Date().toISOString(),
        status: 'pending',
      };
      items.value = [...items.value, it];
      fresh = false;
      this.typing(false);
      transmit(it);
      return true;
    },
    /** The visitor's next message starts a new conversation. */
    startNew() {
      fresh = true;
    },
    /** Sends a failed or undelivered message again with the same clientId (idempotent). */
    retry(clientId: string) {
      if (blocked.value) return;
      patch(clientId, { status: 'pending', reason: undefined });
      const it = items.value.find((x) => x.clientId === clientId && !x.id);
      if (it) transmit(it);
    },
    /** Visitor typing; throttled to one event per 3 s, with a stop after 5 s idle. */
    typing(active: boolean) {
      const conv = conversationId();
      clearTimeout(ownTypingTimer);
      if (!conv || !socket.connected) return;
      if (active) {
        ownTypingTimer = setTimeout(() => this.typing(false), 5000);
        if (Date.now() - ownTyping < 3000) return;
        ownTyping = Date.now();
      } else if (!ownTyping) return;
      else ownTyping = 0;
      socket.emit('typing', { conversationId: conv, typing: active });
    },
    /** Everything in view is read: stored here, and told to the server (coalesced to one `read` per second at most). */
    markRead() {
      const id = lastId();
      if (id && id !== readId.value) {
        readId.value = id;
        o.storage.set(READ, id);
      }
      if (id && id !== readSent && !readTimer) {
        readTimer = setTimeout(() => {
          readTimer = undefined;
          const latest = readId.value;
          if (latest && latest !== readSent && socket.connected) {
            readSent = latest;
            socket.emit('read', { messageId: latest });
          }
        }, 1000);
      }
    },
    /** New identity or name/email: reconnect so the server sees the new auth. */
    /**
     * Reconnects with the current identity. With forget (sign-out, another user) the thread and
     * read marker are dropped from this page; the visitor token and device id are kept, so
     * the server can tell this browser's past identities apart from a fresh visitor.
     */
    reconnect(forget: boolean) {
      if (forget) {
        o.storage.del(READ);
        readId.value = null;
        items.value = [];
      }
      socket.disconnect().connect();
    },
    /** Disconnects for good; with forget (shutdown) the read marker goes, the token stays (see reconnect). */
    destroy(forget: boolean) {
      clearTimeout(typingTimer);
      clearTimeout(ownTypingTimer);
      destroyed = true;
      stopPageContext?.();
      clearTimeout(readTimer);
      socket.disconnect();
      if (forget) o.storage.del(READ);
    },
  };
}

export type Messenger = ReturnType<typeof createMessenger>;
