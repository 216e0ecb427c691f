import type { RefObject } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { MAX_BODY_LENGTH } from '../../protocol/limits.js';
import type { BlockEventDto, TimelineEventDto } from '../../protocol/agents.js';
import type { MessageDto } from '../../protocol/types.js';
import { Markdown } from '../../widget/markdown.js';
import { clockTime, displayName, fullTime } from '../format.js';
import type { ConsoleState, OpenConversation } from '../state.js';

function Message({ m, contactName, seenAt }: { m: MessageDto; contactName: string; seenAt?: string | null }) {
  const mine = m.author.type === 'admin';
  const note = m.messageType === 'note';
  const who = mine ? m.author.name || 'Agent' : contactName;
  // The same vnode on every render lets Preact skip the body: a flood of messages or typing
  // re-renders the thread without parsing every message's markdown again.
  const body = useMemo(() => <Markdown source={m.body} />, [m.body]);
  return (
    <article class={`msg${mine ? ' agent' : ' visitor'}${note ? ' note' : ''}`} aria-label={`${note ? 'Internal note' : 'Message'} from ${who}`}>
      <header>
        <span class="msg-who">{who}</span>
        {note && <span class="badge note-badge">Internal note · not visible to the visitor</span>}
        <time dateTime={m.createdAt} title={fullTime(m.createdAt)}>
          {clockTime(m.createdAt)}
        </time>
      </header>
      {m.redacted ? <div class="msg-body redacted">Message redacted</div> : <div class="msg-body">{body}</div>}
      {seenAt && (
        <p class="msg-seen" title={`Seen by ${contactName}, ${fullTime(seenAt)}`}>
          Seen<span class="sr-only"> by {contactName}, {fullTime(seenAt)}</span>
        </p>
      )}
    </article>
  );
}

function Composer({ s, blocked }: { s: ConsoleState; blocked: boolean }) {
  const [note, setNote] = useState(false);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const ref = useRef<HTMLTextAreaElement>(null);
  const over = text.length > MAX_BODY_LENGTH;
  // "/" then a few letters of a title: the matching saved replies, Enter or a click inserts one.
  const [active, setActive] = useState(0);
  const [closedFor, setClosedFor] = useState<string | null>(null);
  const query = text.startsWith('/') && !text.includes('\n') && text !== closedFor ? text.slice(1).trim().toLowerCase() : null;
  const replies = query === null ? [] : (s.savedReplies?.value ?? []).filter((r) => r.title.toLowerCase().includes(query)).slice(0, 8);
  const pick = (body: string) => {
    setText(body);
    setActive(0);
    ref.current?.focus();
  };
  const send = async () => {
    if (!text.trim() || over || busy) return;
    setBusy(true);
    const ok = await s.send(text, note);
    setBusy(false);
    if (ok) setText('');
    ref.current?.focus();
  };
  return (
    <form
      class={`composer${note ? ' note' : ''}`}
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
    >
      <div class="modes" role="group" aria-label="Message type">
        <button type="button" class="mode" aria-pressed={!note} onClick={() => setNote(false)}>
          Reply
        </button>
        <button type="button" class="mode" aria-pressed={note} onClick={() => setNote(true)}>
          Internal note
        </button>
        {blocked && !note && <span class="hint">The contact is blocked but still receives your replies.</span>}
      </div>
      {replies.length > 0 && (
        <ul class="slash" id="slash-list" role="listbox" aria-label="Saved replies">
          {replies.map((r, i) => (
            <li
              key={r.id}
              id={`slash-${r.id}`}
              role="option"
              aria-selected={i === Math.min(active, replies.length - 1)}
              onMouseDown={(e) => {
                e.preventDefault();
                pick(r.body);
              }}
            >
              <strong>{r.title}</strong>
              <span>{r.body}</span>
            </li>
          ))}
        </ul>
      )}
      <label class="sr-only" for="composer-text">
        {note ? 'Internal note, only agents see it' : 'Reply to the visitor'}
      </label>
      <textarea
        id="composer-text"
        ref={ref}
        rows={3}
        value={text}
        placeholder={note ? 'Write a note for your team (the visitor never sees it)…' : 'Write a reply… (Enter sends, Shift+Enter for a new line)'}
        aria-controls={replies.length ? 'slash-list' : undefined}
        aria-autocomplete="list"
        aria-activedescendant={replies.length ? `slash-${replies[Math.min(active, replies.length - 1)]!.id}` : undefined}
        onInput={(e) => {
          const value = e.currentTarget.value;
          setText(value);
          setActive(0);
          // Looking up a saved reply is not typing to the visitor.
          if (!note && !value.startsWith('/')) s.typingNow();
        }}
        onBlur={() => s.stopTyping()}
        onKeyDown={(e) => {
          if (replies.length && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
            e.preventDefault();
            setActive((a) => (Math.min(a, replies.length - 1) + (e.key === 'ArrowDown' ? 1 : replies.length - 1)) % replies.length);
            return;
          }
          if (replies.length && (e.key === 'Enter' || e.key === 'Tab') && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            pick(replies[Math.min(active, replies.length - 1)]!.body);
            return;
          }
          if (replies.length && e.key === 'Escape') {
            e.preventDefault();
            setClosedFor(text);
            return;
          }
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            void send();
          }
        }}
      />
      <div class="composer-foot">
        {over && <span class="err">{text.length - MAX_BODY_LENGTH} characters too long</span>}
        <button type="submit" class={note ? 'btn note-btn' : 'btn primary'} disabled={!text.trim() || over || busy}>
          {note ? 'Add note' : 'Send reply'}
        </button>
      </div>
    </form>
  );
}

const actorOf = (type: string, name: string | null) =>
  type === 'admin' ? name ?? 'An agent' : type === 'api' ? 'The API' : type === 'rule' ? 'A protection rule' : 'Parley';

/** A change between messages: assignment, state, block; the time in the same format as messages. */
function Event({ at, text, kind }: { at: string; text: string; kind: string }) {
  return (
    <p class={`event ${kind}`}>
      <span>{text}</span> <time dateTime={at} title={fullTime(at)}>{clockTime(at)}</time>
    </p>
  );
}

function eventText(e: TimelineEventDto): string {
  const who = actorOf(e.actorType, e.actorName);
  switch (e.kind) {
    case 'assigned':
      return e.assigneeId === e.actorId ? `${who} took the conversation` : `${who} assigned it to ${e.assigneeName ?? 'an agent'}`;
    case 'unassigned':
      return `${who} unassigned it`;
    case 'closed':
      return `${who} closed the conversation`;
    case 'reopened':
      return `${who} reopened the conversation`;
    case 'snoozed':
      return `${who} snoozed the conversation`;
  }
}

const blockText = (e: BlockEventDto, name: string) =>
  `${actorOf(e.actorType, e.actorName)} ${e.action === 'block' ? 'blocked' : 'unblocked'} ${name}${e.reason ? `: “${e.reason}”` : ''}`;

type Entry = { at: string; m?: MessageDto; e?: TimelineEventDto; b?: BlockEventDto };

/** Messages, assignment and state changes and block events, in time order (ties keep messages first). */
function entries(c: OpenConversation): Entry[] {
  const all: Entry[] = [
    ...c.messages.map((m) => ({ at: m.createdAt, m })),
    ...(c.timeline ?? []).map((e) => ({ at: e.createdAt, e })),
    ...(c.detail.blockHistory ?? []).map((b) => ({ at: b.createdAt, b })),
  ];
  return all.sort((x, y) => x.at.localeCompare(y.at));
}

/**
 * The latest agent reply the visitor has read up to (their marker may sit on a later message
 * of theirs), or null: "Seen" goes under that one only. Messages are in the server's order.
 */
export function seenReplyId(c: OpenConversation): string | null {
  const upTo = c.visitorRead ? c.messages.findIndex((m) => m.id === c.visitorRead!.messageId) : -1;
  for (let i = upTo; i >= 0; i--) {
    const m = c.messages[i]!;
    if (m.author.type === 'admin' && m.messageType !== 'note') return m.id;
  }
  return null;
}

/** "Assign to me" and a menu of the team (active agents), or unassigned. */
function Assignee({ s, c }: { s: ConsoleState; c: OpenConversation }) {
  const id = c.conversation.assigneeId;
  const me = s.me.agent.id;
  const team = (s.team?.value ?? []).filter((a) => (!a.deactivatedAt && !a.invite) || a.id === id);
  return (
    <div class="assign">
      <label>
        <span class="sr-only">Assignee</span>
        <select value={id ?? ''} onChange={(e) => void s.assign(e.currentTarget.value || null)}>
          <option value="">Unassigned</option>
          {id && !team.some((a) => a.id === id) && <option value={id}>An agent</option>}
          {team.map((a) => (
            <option key={a.id} value={a.id}>
              {a.id === me ? `You (${a.name})` : a.name}
            </option>
          ))}
        </select>
      </label>
      {id !== me && (
        <button type="button" class="btn" onClick={() => void s.assign(me)}>
          Assign to me
        </button>
      )}
    </div>
  );
}

/** "X is typing…": the only part of the view that reads the typing map, so its updates re-render just this line. */
function Typing({ s, conversationId, name, thread }: { s: ConsoleState; conversationId: string; name: string; thread: RefObject<HTMLDivElement | null> }) {
  const typing = (s.typing.value.get(conversationId) ?? 0) > Date.now();
  useEffect(() => {
    const el = thread.current;
    if (el && typing) el.scrollTop = el.scrollHeight;
  }, [typing]);
  return (
    <div class="typing" aria-live="polite">
      {typing && (
        <span>
          <span class="dots" aria-hidden="true">
            <i />
            <i />
            <i />
          </span>
          {name} is typing…
        </span>
      )}
    </div>
  );
}

/** One conversation: full history with notes, typing, reply/note composer, close/reopen, block. */
export interface ConversationViewProps {
  s: ConsoleState;
  c: OpenConversation;
  onBlock: (block: boolean) => void;
  /** On a phone: back to the list. */
  onBack?: () => void;
  /** Below 1100 px: show the contact panel in this pane. */
  onDetails?: () => void;
}

export function ConversationView({ s, c, onBlock, onBack, onDetails }: ConversationViewProps) {
  const thread = useRef<HTMLDivElement>(null);
  const name = displayName(c.detail.contact);
  const closed = c.conversation.state === 'closed';
  const blocked = c.detail.contact.blocked;
  const seen = seenReplyId(c);

  // The latest message stays in view, also when the block banner takes room above the thread.
  useEffect(() => {
    const el = thread.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [c.messages.length, c.timeline?.length, c.conversation.id, blocked]);

  return (
    <section class="conversation" aria-labelledby="conv-title">
      <header class="conv-head">
        {onBack && (
          <button type="button" class="btn ghost back" onClick={onBack} aria-label="Back to the inbox">
            <span aria-hidden="true">←</span>
          </button>
        )}
        <div class="conv-title">
          <h2 id="conv-title">{name}</h2>
          <span class="sub">
            Conversation #{c.conversation.id} · <span class={`state ${c.conversation.state}`}>{closed ? 'Closed' : 'Open'}</span>
            {blocked && <span class="badge blocked">Blocked</span>}
          </span>
        </div>
        <div class="conv-actions">
          <Assignee s={s} c={c} />
          {onDetails && (
            <button type="button" class="btn details-btn" onClick={onDetails}>
              Details
            </button>
          )}
          <button type="button" class="btn" onClick={() => void s.setState(closed ? 'open' : 'closed')}>
            {closed ? 'Reopen' : 'Close'}
          </button>
          {s.me.canBlock && (
            <button type="button" class={blocked ? 'btn' : 'btn danger-outline'} onClick={() => onBlock(!blocked)}>
              {blocked ? 'Unblock' : 'Block'}
            </button>
          )}
        </div>
      </header>
      {blocked && (
        <div class="banner" role="status">
          <strong>{name} is blocked.</strong> Their messenger shows that messaging is turned off, and anything they try to send is refused.
        </div>
      )}
      <div class="thread" ref={thread} role="log" aria-label={`Messages with ${name}`} tabIndex={0}>
        {c.messages.length === 0 && <p class="empty">No messages yet.</p>}
        {entries(c).map((x) =>
          x.m ? (
            <Message key={x.m.id} m={x.m} contactName={name} seenAt={x.m.id === seen ? c.visitorRead!.readAt : null} />
          ) : x.e ? (
            <Event key={x.e.id} at={x.at} kind={x.e.kind} text={eventText(x.e)} />
          ) : (
            <Event key={x.b!.id} at={x.at} kind={x.b!.action} text={blockText(x.b!, name)} />
          ),
        )}
      </div>
      <Typing s={s} conversationId={c.conversation.id} name={name} thread={thread} />
      <Composer s={s} blocked={blocked} />
    </section>
  );
}
