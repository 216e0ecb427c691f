// Console state and the /agents socket. No DOM here: components read the signals and call
// the actions. One instance per signed-in page (no module-level state).
import { batch, computed, signal } from '@preact/signals';
import type { Socket } from 'socket.io-client';
import type {
  AgentsAckData, AgentsClientEvents, AgentsServerEvents, BlockEventDto, BulkResult, ContactDetail, ContactSummary, ConversationDto, InboxItem, MeDto,
  SavedReplyDto, TeamMemberDto, TimelineEventDto, VisitorContextDto,
} from '../protocol/agents.js';
import type { Ack, MessageDto } from '../protocol/types.js';
import { api } from './api.js';
import { createAttention } from './attention.js';
import { displayName } from './format.js';
import type { Router } from './router.js';

export type AgentsSocket = Socket<AgentsServerEvents, AgentsClientEvents>;
export type Connect = (url: string, opts: { transports: string[]; withCredentials: boolean }) => AgentsSocket;

/** Inbox tabs: open, closed, blocked contacts (any state), everything. */
export type InboxFilter = 'open' | 'closed' | 'blocked' | 'all';
/** Whose conversations the inbox lists. */
export type AssigneeFilter = 'mine' | 'unassigned' | 'all';

export interface OpenConversation {
  conversation: ConversationDto;
  messages: MessageDto[];
  detail: ContactDetail;
  /** Assignment and state changes, oldest first (block events come from `detail.blockHistory`). */
  timeline: TimelineEventDto[];
  /** Where the visitor is now (their open messenger's page), or null when none is open. */
  visitor?: VisitorContextDto | null;
  /** How far the visitor has read (their latest read message), for "Seen"; null before they read anything. */
  visitorRead?: { messageId: string; readAt: string } | null;
}

export interface Notice {
  id: number;
  kind: 'error' | 'info';
  text: string;
}

/** A "typing" with no news for this long is stale (the visitor's messenger repeats it while typing). */
const TYPING_TTL_MS = 6000;

function uid(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(12)), (x) => x.toString(16).padStart(2, '0')).join('');
}

const byActivity = (a: InboxItem, b: InboxItem) =>
  b.conversation.lastActivityAt.localeCompare(a.conversation.lastActivityAt) || Number(b.conversation.id) - Number(a.conversation.id);

export function createConsole(me: MeDto, connect: Connect, router: Router) {
  const connected = signal(false);
  /** The signed-in agent as last saved (name and picture change on the profile page). */
  const profile = signal(me.agent);
  const filter = signal<InboxFilter>('open');
  const assignee = signal<AssigneeFilter>('all');
  /** The team, for assignee names and the assign menu (every agent may read it). */
  const team = signal<TeamMemberDto[]>([]);
  /** The team's saved replies, for `/` in the composer and their page. */
  const savedReplies = signal<SavedReplyDto[]>([]);
  const search = signal('');
  const inbox = signal<InboxItem[]>([]);
  const inboxLoading = signal(true);
  const nextCursor = signal<string | null>(null);
  const current = signal<OpenConversation | null>(null);
  const contacts = signal<ContactSummary[]>([]);
  const contactSearch = signal('');
  /** The contact page (`/console/contacts/<id>`), kept live like the open conversation's panel. */
  const contactPage = signal<ContactDetail | null>(null);
  const selected = signal<ReadonlySet<string>>(new Set());
  const notices = signal<Notice[]>([]);
  /** conversationId → when the visitor's typing indicator expires. */
  const typing = signal<ReadonlyMap<string, number>>(new Map());
  /** conversationId → contactId of the typing entries, so a block clears that contact's. */
  const typingContact = new Map<string, string>();
  const attention = createAttention();
  let noticeSeq = 0;
  let inboxRequest = 0;

  const unreadTotal = computed(() => inbox.value.reduce((n, i) => n + i.unread, 0));

  const socket = connect('/agents', { transports: ['websocket'], withCredentials: true });

  function notify(text: string, kind: Notice['kind'] = 'error') {
    const id = ++noticeSeq;
    notices.value = [...notices.value, { id, kind, text }];
    setTimeout(() => dismiss(id), 6000);
  }
  const dismiss = (id: number) => (notices.value = notices.value.filter((n) => n.id !== id));

  /** Emits with an ack; failures become a notice and resolve to null. */
  function ask<E extends keyof AgentsClientEvents>(event: E, payload: Parameters<AgentsClientEvents[E]>[0]) {
    type Res = AgentsAckData<E>;
    return new Promise<Res | null>((resolve) => {
      (socket.timeout(15_000) as unknown as { emit: (...a: unknown[]) => void }).emit(event, payload, (err: Error | null, res: Ack<Res>) => {
        if (err) {
          notify('The server did not answer. Check your connection.');
          return resolve(null);
        }
        if (!res.ok) {
          notify(res.error.message);
          return resolve(null);
        }
        resolve(res as Res);
      });
    });
  }

  function matches(item: InboxItem): boolean {
    const f = filter.value;
    if (f === 'open' && item.conversation.state === 'closed') return false;
    if (f === 'closed' && item.conversation.state !== 'closed') return false;
    if (f === 'blocked' && !item.contact.blocked) return false;
    const a = assignee.value;
    if (a === 'mine' && item.conversation.assigneeId !== me.agent.id) return false;
    if (a === 'unassigned' && item.conversation.assigneeId !== null) return false;
    const q = search.value.trim().toLowerCase();
    return !q || [item.contact.name, item.contact.email].some((s) => s?.toLowerCase().includes(q));
  }

  function query() {
    const f = filter.value;
    return {
      ...(f === 'open' || f === 'closed' ? { state: f } : {}),
      ...(f === 'blocked' ? { blocked: true } : {}),
      ...(assignee.value === 'mine' ? { assignee: 'me' as const } : assignee.value === 'unassigned' ? { assignee: 'unassigned' as const } : {}),
      ...(search.value.trim() ? { search: search.value.trim() } : {}),
      limit: 50,
    };
  }

  async function loadInbox(more = false) {
    const seq = ++inboxRequest;
    if (!more) inboxLoading.value = true;
    const res = await ask('inbox:list', { ...query(), cursor: more ? nextCursor.value : null });
    if (seq !== inboxRequest) return; // a newer filter or search won
    batch(() => {
      inboxLoading.value = false;
      if (!res) return;
      inbox.value = more ? [...inbox.value, ...res.items.filter((i) => !inbox.value.some((x) => x.conversation.id === i.conversation.id))] : res.items;
      nextCursor.value = res.nextCursor;
    });
  }

  function setContact(contact: ContactSummary, event?: BlockEventDto | null) {
    batch(() => {
      inbox.value = inbox.value.map((i) => (i.contact.id === contact.id ? { ...i, contact } : i)).filter(matches);
      contacts.value = contacts.value.map((c) => (c.id === contact.id ? contact : c));
      const withEvent = (d: ContactDetail): ContactDetail => ({
        ...d,
        contact,
        blockHistory: event && !d.blockHistory.some((e) => e.id === event.id) ? [...d.blockHistory, event] : d.blockHistory,
      });
      const cur = current.value;
      if (cur && cur.detail.contact.id === contact.id) current.value = { ...cur, detail: withEvent(cur.detail) };
      if (contactPage.value?.contact.id === contact.id) contactPage.value = withEvent(contactPage.value);
    });
  }

  function setConversation(conversation: ConversationDto, events: TimelineEventDto[] = []) {
    const listed = inbox.value.some((i) => i.conversation.id === conversation.id);
    batch(() => {
      inbox.value = inbox.value.map((i) => (i.conversation.id === conversation.id ? { ...i, conversation } : i)).filter(matches).sort(byActivity);
      const cur = current.value;
      if (cur?.conversation.id === conversation.id) {
        const timeline = [...cur.timeline, ...events.filter((e) => !cur.timeline.some((t) => t.id === e.id))];
        current.value = { ...cur, conversation, timeline };
      }
    });
    // Assigned to me or released while I look at Mine or Unassigned: it may belong in the list now.
    if (!listed && assignee.value !== 'all') void loadInbox();
  }

  function addMessage(message: MessageDto) {
    const cur = current.value;
    if (!cur || cur.conversation.id !== message.conversationId || cur.messages.some((m) => m.id === message.id)) return;
    current.value = { ...cur, messages: [...cur.messages, message] };
  }

  socket.on('connect', () => {
    connected.value = true;
    // (Re)connected: catch up on whatever happened while we were away.
    void loadInbox();
    void loadTeam();
    void loadSavedReplies();
    const cur = current.value;
    if (cur) void open(cur.conversation.id);
    if (router.place.value.view === 'contacts') void loadContacts();
  });
  // Set while a request replaces the session cookie (own password change): see renewSession.
  let holdReconnect = false;
  socket.on('disconnect', (reason) => {
    connected.value = false;
    // The server ended the socket (sign-out elsewhere, deactivation, password change, session
    // over): one more try; a dead session answers `unauthorized` below, which goes to sign-in.
    if (reason === 'io server disconnect' && !holdReconnect) socket.connect();
  });
  socket.on('connect_error', (err) => {
    const code = (err as Error & { data?: { code?: string } }).data?.code;
    // The session expired or was signed out elsewhere: back to the sign-in page.
    if (code === 'unauthorized') location.reload();
  });

  socket.on('message:new', ({ message, conversation, contact }) => {
    const isOpen = current.value?.conversation.id === conversation.id;
    const fromContact = message.author.type !== 'admin';
    batch(() => {
      const existing = inbox.value.find((i) => i.conversation.id === conversation.id);
      const preview = { id: message.id, authorType: message.author.type, messageType: message.messageType, body: message.body, createdAt: message.createdAt };
      const item: InboxItem = {
        conversation,
        contact,
        lastMessage: preview,
        unread: isOpen ? 0 : (existing?.unread ?? 0) + (fromContact ? 1 : 0),
      };
      const rest = inbox.value.filter((i) => i.conversation.id !== conversation.id);
      inbox.value = matches(item) ? [item, ...rest].sort(byActivity) : rest;
      addMessage(message);
      if (isOpen && fromContact) clearTyping((id) => id === conversation.id);
    });
    // Mine or nobody's: a teammate's conversations are theirs to hear about.
    const forMe = conversation.assigneeId === null || conversation.assigneeId === me.agent.id;
    if (fromContact && forMe && message.messageType !== 'note' && !(isOpen && document.hasFocus())) {
      attention.alert(displayName(contact), message.body, () => router.go({ view: 'conversations', id: conversation.id }));
    }
    if (isOpen && fromContact) socket.emit('conversation:read', { conversationId: conversation.id }, () => {});
  });
  // A redacted message keeps its place with its text gone, in the thread and the inbox preview.
  socket.on('message:redacted', ({ message }) => {
    batch(() => {
      const cur = current.value;
      if (cur?.conversation.id === message.conversationId) current.value = { ...cur, messages: cur.messages.map((m) => (m.id === message.id ? message : m)) };
      inbox.value = inbox.value.map((i) => (i.lastMessage?.id === message.id ? { ...i, lastMessage: { ...i.lastMessage, body: '' } } : i));
    });
  });
  socket.on('conversation:updated', ({ conversation, timeline }) => setConversation(conversation, timeline));
  socket.on('conversation:deleted', ({ conversationId }) => {
    inbox.value = inbox.value.filter((i) => i.conversation.id !== conversationId);
    if (current.value?.conversation.id === conversationId) current.value = null;
  });
  socket.on('contact:updated', ({ contact }) => setContact(contact));
  socket.on('contact:deleted', ({ contactId }) => {
    inbox.value = inbox.value.filter((i) => i.contact.id !== contactId);
    contacts.value = contacts.value.filter((c) => c.id !== contactId);
    if (current.value?.detail.contact.id === contactId) current.value = null;
  });
  socket.on('contact:blocked', ({ contact, event }) => {
    setContact(contact, event);
    // A blocked contact's messages are refused: whatever they were typing will not come.
    clearTyping((_, contactId) => contactId === contact.id);
    // A contact that was blocked elsewhere may now belong in the Blocked tab.
    if (filter.value === 'blocked') void loadInbox();
  });
  socket.on('contact:unblocked', ({ contact, event }) => setContact(contact, event));
  socket.on('visitor:read', ({ conversationId, messageId, readAt }) => {
    const cur = current.value;
    if (cur?.conversation.id === conversationId) current.value = { ...cur, visitorRead: { messageId, readAt } };
  });
  socket.on('visitor:context', ({ contactId, context }) => {
    const cur = current.value;
    if (cur?.detail.contact.id === contactId) current.value = { ...cur, visitor: context };
  });
  function clearTyping(which: (conversationId: string, contactId: string | undefined) => boolean) {
    const gone = [...typing.value.keys()].filter((id) => which(id, typingContact.get(id)));
    if (!gone.length) return;
    const t = new Map(typing.value);
    for (const id of gone) {
      t.delete(id);
      typingContact.delete(id);
    }
    typing.value = t;
  }
  socket.on('visitor:typing', ({ conversationId, contactId, typing: on }) => {
    if (!on) return clearTyping((id) => id === conversationId);
    typingContact.set(conversationId, contactId);
    typing.value = new Map(typing.value).set(conversationId, Date.now() + TYPING_TTL_MS);
    // A lost "stopped typing" (or a visitor who went quiet) must not leave the indicator on.
    setTimeout(() => clearTyping((id) => id === conversationId && (typing.value.get(id) ?? Infinity) <= Date.now()), TYPING_TTL_MS + 50);
  });

  /** Loads a conversation into the middle pane (the router calls it for `/console/conversations/<id>`). */
  async function open(conversationId: string): Promise<boolean> {
    const res = await ask('conversation:open', { conversationId });
    if (!res) return false;
    batch(() => {
      current.value = { conversation: res.conversation, messages: res.messages, detail: res.contact, timeline: res.timeline, visitor: res.visitor, visitorRead: res.visitorRead ?? null };
      inbox.value = inbox.value.map((i) => (i.conversation.id === conversationId ? { ...i, unread: 0 } : i));
    });
    return true;
  }

  async function send(body: string, note: boolean): Promise<boolean> {
    const cur = current.value;
    if (!cur || !body.trim()) return false;
    stopTyping();
    const res = await ask(note ? 'conversation:note' : 'conversation:reply', { conversationId: cur.conversation.id, body, clientId: uid() });
    if (res) addMessage(res.message);
    return !!res;
  }

  let typingSentAt = 0;
  let typingTimer: ReturnType<typeof setTimeout> | undefined;
  /** Tells the visitor the agent is typing: at most every 3 s, stopped after 5 s idle. */
  function typingNow() {
    const cur = current.value;
    if (!cur) return;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(stopTyping, 5000);
    if (Date.now() - typingSentAt < 3000) return;
    typingSentAt = Date.now();
    socket.emit('typing', { conversationId: cur.conversation.id, typing: true });
  }
  function stopTyping() {
    clearTimeout(typingTimer);
    const cur = current.value;
    if (!typingSentAt || !cur) return;
    typingSentAt = 0;
    socket.emit('typing', { conversationId: cur.conversation.id, typing: false });
  }

  async function setState(state: 'closed' | 'open') {
    const cur = current.value;
    if (!cur) return;
    const res = await ask(state === 'closed' ? 'conversation:close' : 'conversation:reopen', { conversationId: cur.conversation.id });
    if (res) setConversation(res.conversation);
  }

  /** Assigns the open conversation to an agent, or to nobody (null). */
  async function assign(assigneeId: string | null) {
    const cur = current.value;
    if (!cur) return;
    const res = await ask('conversation:assign', { conversationId: cur.conversation.id, assigneeId });
    if (res) setConversation(res.conversation);
  }

  async function loadSavedReplies() {
    try {
      savedReplies.value = (await api<{ data: SavedReplyDto[] }>('GET', '/saved-replies')).data;
    } catch (err) {
      notify((err as Error).message);
    }
  }

  async function loadTeam() {
    try {
      team.value = (await api<{ data: TeamMemberDto[] }>('GET', '/agents')).data;
    } catch {
      // Names fall back to "an agent" until the next reconnect.
    }
  }

  async function setBlocked(contactId: string, blocked: boolean, reason: string | null): Promise<boolean> {
    const res = await ask(blocked ? 'contact:block' : 'contact:unblock', { contactId, reason });
    if (!res) return false;
    const last = res.blockHistory[res.blockHistory.length - 1];
    setContact(res.contact, last);
    notify(`${displayName(res.contact)} is ${blocked ? 'blocked' : 'unblocked'}.`, 'info');
    return true;
  }

  async function loadContact(contactId: string): Promise<boolean> {
    contactPage.value = null;
    const res = await ask('contact:get', { contactId });
    if (res) contactPage.value = res;
    return !!res;
  }

  let contactsRequest = 0;
  /** The contacts list, or those whose name, email or userId contains `contactSearch`. */
  async function loadContacts() {
    const seq = ++contactsRequest;
    const q = contactSearch.value.trim();
    const res = await ask('contacts:list', { limit: 100, ...(q ? { search: q } : {}) });
    if (res && seq === contactsRequest) contacts.value = res.items;
  }

  async function bulk(blocked: boolean, reason: string | null): Promise<BulkResult[] | null> {
    const ids = [...selected.value];
    if (!ids.length) return null;
    const res = await ask(blocked ? 'contacts:block' : 'contacts:unblock', { contactIds: ids, reason });
    if (!res) return null;
    const failed = res.results.filter((r) => !r.ok).length;
    notify(`${res.results.length - failed} contact${res.results.length - failed === 1 ? '' : 's'} ${blocked ? 'blocked' : 'unblocked'}${failed ? `, ${failed} failed` : ''}.`, failed ? 'error' : 'info');
    selected.value = new Set();
    await loadContacts();
    return res.results;
  }

  /** Runs a request that answers with a fresh session cookie, then reconnects the socket with it. */
  async function renewSession<T>(request: () => Promise<T>): Promise<T> {
    holdReconnect = true;
    try {
      return await request();
    } finally {
      holdReconnect = false;
      if (!socket.connected) socket.connect();
    }
  }

  return {
    me,
    /** For views that listen to pushes of their own while shown (the Held review). */
    socket,
    attention,
    profile,
    /** After a profile change: the new name and picture everywhere. */
    setMe(next: MeDto) {
      Object.assign(me.agent, next.agent);
      profile.value = next.agent;
      team.value = team.value.map((a) => (a.id === next.agent.id ? { ...a, ...next.agent } : a));
    },
    router,
    connected,
    filter,
    assignee,
    team,
    assign,
    savedReplies,
    loadSavedReplies,
    search,
    inbox,
    inboxLoading,
    nextCursor,
    current,
    contacts,
    contactSearch,
    contactPage,
    loadContact,
    selected,
    notices,
    typing,
    unreadTotal,
    loadInbox,
    open,
    send,
    typingNow,
    stopTyping,
    setState,
    setBlocked,
    loadContacts,
    bulk,
    notify,
    dismiss,
    renewSession,
    destroy: () => {
      socket.disconnect();
      router.destroy();
    },
  };
}

export type ConsoleState = ReturnType<typeof createConsole>;
