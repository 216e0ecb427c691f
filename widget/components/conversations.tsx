// Lazy chunk: the visitor's conversations (newest first, paged) and "New conversation",
// shown in the panel instead of the thread, opened from the header.
import { useEffect, useState } from 'preact/hooks';
import type { VisitorConversation } from '../../protocol/messenger.js';
import type { Messenger } from '../messenger.js';
import type { Lang } from '../i18n.js';

const T = {
  en: { title: 'Your conversations', new: 'New conversation', none: 'No conversations yet.', more: 'Show more', loading: 'Loading…', failed: 'Could not load your conversations.', open: 'Open', closed: 'Closed', untitled: 'Conversation' },
  fr: { title: 'Vos conversations', new: 'Nouvelle conversation', none: 'Aucune conversation pour le moment.', more: 'Afficher plus', loading: 'Chargement…', failed: 'Impossible de charger vos conversations.', open: 'Ouverte', closed: 'Terminée', untitled: 'Conversation' },
  de: { title: 'Ihre Unterhaltungen', new: 'Neue Unterhaltung', none: 'Noch keine Unterhaltungen.', more: 'Mehr anzeigen', loading: 'Wird geladen…', failed: 'Ihre Unterhaltungen konnten nicht geladen werden.', open: 'Offen', closed: 'Beendet', untitled: 'Unterhaltung' },
};

export const css = `
.cv { flex: 1; overflow-y: auto; background: var(--bg2); padding: 16px; }
.cv h2 { margin: 0 0 12px; font-size: 15px; font-weight: 650; }
.cv ul { list-style: none; margin: 0 0 12px; padding: 0; display: grid; gap: 8px; }
.cv li { display: flex; justify-content: space-between; gap: 8px; padding: 10px 12px; border-radius: 12px; background: var(--bub); border: 1px solid var(--bd); }
.cv li span { color: var(--mut); font-size: 12.5px; }
.cv p { color: var(--mut); }
.cv button { font: inherit; font-weight: 600; border: 1px solid var(--bd); border-radius: 10px; padding: 8px 12px; cursor: pointer; background: var(--bg); color: var(--fg); margin: 0 8px 8px 0; }
.cv .nw { background: var(--a); color: var(--on-a); border-color: transparent; }
.cv .nw:disabled { opacity: .5; cursor: default; }
`;

export function Conversations({ messenger, lang, locale, onDone }: { messenger: Messenger; lang: Lang; locale?: string; onDone: () => void }) {
  const t = T[lang];
  const [list, setList] = useState<VisitorConversation[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  const load = (cursor?: string) =>
    messenger.socket.emit('conversations:list', cursor ? { cursor } : {}, (res) => {
      setFailed(!res.ok);
      if (!res.ok) return;
      setList((l) => [...(cursor ? l ?? [] : []), ...res.conversations]);
      setNext(res.nextCursor);
    });
  useEffect(() => void load(), []);
  const day = (iso: string) => new Date(iso).toLocaleDateString(locale, { dateStyle: 'medium' });
  const start = (e: Event) => {
    const root = (e.currentTarget as Element).getRootNode() as ParentNode;
    messenger.startNew();
    onDone();
    // The composer comes back with the thread: write the first message there.
    setTimeout(() => root.querySelector('textarea')?.focus());
  };
  return (
    <div class="cv">
      <h2>{t.title}</h2>
      {/* Blocked contacts can read their past but start nothing (the server refuses it too). */}
      <button class="nw" type="button" disabled={messenger.blocked.value} onClick={start}>
        {t.new}
      </button>
      <div role="status">{failed ? t.failed : !list ? t.loading : !list.length ? t.none : ''}</div>
      {list && list.length > 0 && (
        <ul>
          {list.map((c) => (
            <li key={c.id}>
              <strong>{c.title || `${t.untitled} · ${day(c.createdAt)}`}</strong>
              <span>{`${c.state === 'closed' ? t.closed : t.open} · ${day(c.lastActivityAt)}`}</span>
            </li>
          ))}
        </ul>
      )}
      {next && (
        <button type="button" onClick={() => load(next)}>
          {t.more}
        </button>
      )}
    </div>
  );
}
