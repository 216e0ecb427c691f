import type { AssigneeFilter, ConsoleState, InboxFilter } from '../state.js';
import { displayName, initials, shortTime } from '../format.js';
import { follow } from './link.js';
import { SearchBox } from './search-box.js';

const FILTERS: [InboxFilter, string][] = [
  ['open', 'Open'],
  ['closed', 'Closed'],
  ['blocked', 'Blocked'],
  ['all', 'Any state'],
];
const ASSIGNEES: [AssigneeFilter, string][] = [
  ['mine', 'Mine'],
  ['unassigned', 'Unassigned'],
  ['all', 'All'],
];

/** One row of toggle chips; choosing one reloads the list. */
function Chips<T extends string>({ s, label, options, value, set }: { s: ConsoleState; label: string; options: [T, string][]; value: T; set: (v: T) => void }) {
  return (
    <div class="filters" role="group" aria-label={label}>
      {options.map(([f, text]) => (
        <button
          key={f}
          type="button"
          class="chip"
          aria-pressed={value === f}
          onClick={() => {
            set(f);
            void s.loadInbox();
          }}
        >
          {text}
        </button>
      ))}
    </div>
  );
}

/** "You", a teammate's name, or "an agent" while the team is loading. */
export const assigneeName = (s: ConsoleState, id: string) => (id === s.me.agent.id ? 'You' : s.team.value.find((a) => a.id === id)?.name ?? 'an agent');

/** The live conversation list: filters, search, last activity first, unread markers. */
export function Inbox({ s }: { s: ConsoleState }) {
  const items = s.inbox.value;
  const currentId = s.current.value?.conversation.id;
  return (
    <section class="inbox" aria-labelledby="inbox-title">
      <div class="inbox-head">
        <h2 id="inbox-title">Inbox</h2>
        <Chips s={s} label="Whose conversations" options={ASSIGNEES} value={s.assignee.value} set={(v) => (s.assignee.value = v)} />
        <Chips s={s} label="Filter conversations" options={FILTERS} value={s.filter.value} set={(v) => (s.filter.value = v)} />
        <SearchBox label="Search by name or email" placeholder="Search name or email" value={s.search} search={() => void s.loadInbox()} />
      </div>
      {items.length === 0 ? (
        <p class="empty">{s.inboxLoading.value ? 'Loading…' : 'No conversations here.'}</p>
      ) : (
        <ul class="conv-list" aria-label="Conversations">
          {items.map((i) => {
            const name = displayName(i.contact);
            const preview = i.lastMessage
              ? `${i.lastMessage.messageType === 'note' ? 'Note: ' : i.lastMessage.authorType === 'admin' ? 'You: ' : ''}${i.lastMessage.body}`
              : 'No messages yet';
            return (
              <li key={i.conversation.id}>
                <a
                  class={`conv${i.unread ? ' unread' : ''}${i.conversation.id === currentId ? ' active' : ''}`}
                  aria-current={i.conversation.id === currentId ? 'true' : undefined}
                  data-conversation={i.conversation.id}
                  {...follow(s, 'conversations', i.conversation.id)}
                >
                  <span class="avatar" aria-hidden="true">
                    {initials(i.contact)}
                  </span>
                  <span class="conv-main">
                    <span class="conv-top">
                      <span class="conv-name">{name}</span>
                      <time dateTime={i.conversation.lastActivityAt}>{shortTime(i.conversation.lastActivityAt)}</time>
                    </span>
                    <span class="conv-preview">{preview}</span>
                    <span class="conv-tags">
                      {i.contact.blocked && <span class="badge blocked">Blocked</span>}
                      {i.conversation.state === 'closed' && <span class="badge">Closed</span>}
                      {i.conversation.assigneeId && <span class="badge assignee">{assigneeName(s, i.conversation.assigneeId)}</span>}
                      {i.unread > 0 && (
                        <span class="badge unread" aria-label={`${i.unread} unread`}>
                          {i.unread}
                        </span>
                      )}
                    </span>
                  </span>
                </a>
              </li>
            );
          })}
        </ul>
      )}
      {s.nextCursor.value && (
        <button type="button" class="btn more" onClick={() => void s.loadInbox(true)}>
          Load more
        </button>
      )}
    </section>
  );
}
