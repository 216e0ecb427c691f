import type { Item, Messenger } from '../messenger.js';
import type { Strings } from '../i18n.js';
import { formatTime } from '../i18n.js';
import { Markdown } from '../markdown.js';

interface Props {
  it: Item;
  prev?: Item;
  next?: Item;
  t: Strings;
  locale?: string;
  /** Name shown for agents without one (the panel title). */
  team?: string;
  /** An agent has read it (only passed for the visitor's last message). */
  seen?: boolean;
  messenger: Messenger;
}

const FIVE_MIN = 5 * 60_000;
const apart = (a: Item, b: Item) => a.author.type !== b.author.type || Math.abs(+new Date(b.createdAt) - +new Date(a.createdAt)) > FIVE_MIN;

/**
 * One bubble; the name starts a group, the time (or send status) ends it. A failed send only
 * says "Not sent" here: the reason, the alert and Retry are grouped once (FailedSends).
 */
export function Message({ it, prev, next, t, locale, team, seen, messenger }: Props) {
  const me = it.author.type !== 'admin';
  const first = !prev || apart(prev, it);
  const last = !next || apart(it, next);
  let meta = null;
  if (it.status === 'pending') meta = <div class="meta">{messenger.online.value ? t.sending : t.queued}</div>;
  else if (it.status === 'failed' || it.status === 'undelivered') meta = <div class="meta err">{it.status === 'failed' ? t.failed : t.undelivered}</div>;
  else if (last || seen) meta = <div class="meta">{formatTime(it.createdAt, locale) + (seen ? ` · ${t.seen}` : '')}</div>;
  return (
    <div class={`m${me ? ' me' : ''}${first ? ' gap' : ''} ${it.status}`} data-status={it.status}>
      {first && !me && (
        <div class="who">
          {/* Decoration: the name beside it says who it is. */}
          {it.author.avatarUrl && <img src={messenger.server + it.author.avatarUrl} alt="" />}
          {it.author.name || team || t.team}
        </div>
      )}
      <div class="bu">
        <Markdown source={it.body} />
      </div>
      {meta}
    </div>
  );
}
