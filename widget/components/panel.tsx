import { useEffect, useRef, useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import type { Signal } from '@preact/signals';
import type { Messenger } from '../messenger.js';
import { formatDay, type Lang, type Strings } from '../i18n.js';
import { useLazy } from '../lazy.js';
import { CloseIcon, ListIcon } from '../icons.js';
import { Markdown } from '../markdown.js';
import { Message } from './message.js';
import { Composer } from './composer.js';
import { FailedSends } from './failed-sends.js';

export interface PanelProps {
  messenger: Messenger;
  t: Strings;
  lang: Lang;
  /** Adds the CSS of a lazy chunk to the shadow root. */
  adopt(css: string): void;
  /** BCP 47 tag for times (boot option, else the browser's). */
  locale?: string;
  title?: string;
  greeting?: string;
  blockedText?: string;
  /** Another way to reach the business, shown in the blocked notice (markdown links allowed). */
  blockedContact?: string;
  open: Signal<boolean>;
  onClose: () => void;
  /** Shown at the end of the thread (the email prompt). */
  children?: ComponentChildren;
}

/** Header, thread, and the composer or (when blocked) the notice. */
export function Panel({ messenger, t, lang, adopt, locale, title, greeting, blockedText, blockedContact, open, onClose, children }: PanelProps) {
  const { items, blocked, online, wasOnline, agentTyping } = messenger;
  const list = items.value;
  const thread = useRef<HTMLDivElement>(null);
  const typing = agentTyping.value;
  const off = blocked.value;
  const team = messenger.team.value;
  // The team line (names, reply time, office hours) is a lazy chunk: only when there is one.
  const line = useLazy(!!team && (team.names.length > 0 || !!team.replyTime || !team.open), () => import('./team-header.js'), adopt);
  // The blocked notice is a lazy chunk too; the polite live region that announces it is always here.
  const notice = useLazy(off, () => import('./blocked-notice.js'), adopt);
  // Past conversations and "new conversation": a lazy chunk shown instead of the thread.
  const [past, setPast] = useState(false);
  const convs = useLazy(past, () => import('./conversations.js'), adopt);
  const shown = past ? convs : null;
  // Older history loads as the visitor scrolls up: a lazy chunk, only when there is some.
  const older = useLazy(messenger.older.value, () => import('./older.js'), adopt);
  const failed = list.filter((x) => x.status === 'failed').length;
  // "Seen" goes on the visitor's last message once an agent has read that far.
  const seenAt = list.findIndex((x) => x.id === messenger.seenId.value);
  let lastOwn = list.length - 1;
  while (lastOwn >= 0 && list[lastOwn].author.type === 'admin') lastOwn--;

  // Keep the newest message in view when a message is added at the end (not older ones at the top), the panel opens, or the notice
  // replacing the composer (block, unblock) or the failed-sends alert changes its height.
  useEffect(() => {
    const el = thread.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [list.at(-1), typing !== undefined, open.value, off, failed, past]);

  return (
    <>
      {/* Not <header>: inside the host page it would be a second `banner` landmark. */}
      <div class="h">
        <div class="h-t">
          <strong>{title || t.title}</strong>
          <span>{off ? t.blockedSubtitle : line && team ? <line.TeamLine team={team} lang={lang} locale={locale} server={messenger.server} /> : t.subtitle}</span>
        </div>
        <button class="ib" type="button" aria-label={t.past} title={t.past} aria-pressed={past} onClick={() => setPast(!past)}>
          <ListIcon />
        </button>
        <button class="ib" type="button" aria-label={t.close} title={t.close} onClick={onClose}>
          <CloseIcon />
        </button>
      </div>
      {!online.value && wasOnline.value && (
        <div class="st" role="status">
          {t.offline}
        </div>
      )}
      {shown ? (
        <shown.Conversations messenger={messenger} lang={lang} locale={locale} onDone={() => setPast(false)} />
      ) : (
        <div class="t" ref={thread} role="log" aria-label={t.thread} tabIndex={0}>
          {older && <older.Older messenger={messenger} thread={thread} lang={lang} />}
          <div class="m gap">
            <div class="who">{title || t.team}</div>
            <div class="bu">{greeting || t.greeting}</div>
          </div>
          {list.map((it, i) => {
            // A date separator above each day's first message.
            const day = new Date(it.createdAt).toDateString();
            const m = <Message key={it.clientId ?? it.id} it={it} prev={list[i - 1]} next={list[i + 1]} t={t} locale={locale} team={title} seen={i === lastOwn && lastOwn <= seenAt} messenger={messenger} />;
            return i && new Date(list[i - 1].createdAt).toDateString() === day ? m : [<p class="ds" key={day}>{formatDay(it.createdAt, locale)}</p>, m];
          })}
          {children}
          {typing !== undefined && (
            <div class="ty" aria-live="polite">
              <span class="dots" aria-hidden="true">
                <i />
                <i />
                <i />
              </span>
              {(typing || t.someone) + ' ' + t.typing}
            </div>
          )}
        </div>
      )}
      <div class="live" aria-live="polite" aria-atomic="true">
        {off && notice && <notice.BlockedNotice lang={lang} text={blockedText} contact={blockedContact} md={Markdown} />}
      </div>
      <FailedSends messenger={messenger} t={t} />
      {!off && !shown && <Composer messenger={messenger} t={t} />}
    </>
  );
}
