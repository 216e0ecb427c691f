import { useEffect, useRef } from 'preact/hooks';
import type { Signal } from '@preact/signals';
import type { Messenger } from '../messenger.js';
import type { Lang, Strings } from '../i18n.js';
import { CloseIcon } from '../icons.js';
import { Message } from './message.js';
import { Composer } from './composer.js';

export interface PanelProps {
  messenger: Messenger;
  t: Strings;
  lang: Lang;
  title?: string;
  greeting?: string;
  blockedText?: string;
  open: Signal<boolean>;
  onClose: () => void;
}

/** Header, thread, and the composer or (when blocked) the notice. */
export function Panel({ messenger, t, lang, title, greeting, blockedText, open, onClose }: PanelProps) {
  const { items, blocked, online, wasOnline, agentTyping } = messenger;
  const list = items.value;
  const thread = useRef<HTMLDivElement>(null);
  const typing = agentTyping.value;

  // Keep the newest message in view when the thread grows or the panel opens.
  useEffect(() => {
    const el = thread.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [list.length, typing !== undefined, open.value]);

  return (
    <>
      <header class="h">
        <div class="h-t">
          <strong>{title || t.title}</strong>
          <span>{t.subtitle}</span>
        </div>
        <button class="ib" type="button" aria-label={t.close} title={t.close} onClick={onClose}>
          <CloseIcon />
        </button>
      </header>
      {!online.value && wasOnline.value && (
        <div class="st" role="status">
          {t.offline}
        </div>
      )}
      <div class="t" ref={thread} role="log" aria-label={t.thread} tabIndex={0}>
        <div class="m gap">
          <div class="who">{title || t.team}</div>
          <div class="bu">{greeting || t.greeting}</div>
        </div>
        {list.map((it, i) => (
          <Message key={it.clientId ?? it.id} it={it} prev={list[i - 1]} next={list[i + 1]} t={t} lang={lang} team={title} messenger={messenger} />
        ))}
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
      <div class="live" aria-live="polite" aria-atomic="true">
        {blocked.value && (
          <p class="bn">
            {blockedText ? (
              blockedText
            ) : (
              <>
                <strong>{t.blockedTitle}</strong>
                {t.blocked}
              </>
            )}
          </p>
        )}
      </div>
      {!blocked.value && <Composer messenger={messenger} t={t} />}
    </>
  );
}
