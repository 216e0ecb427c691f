// Lazy chunk: the visitor's history older than the latest page, loaded as they scroll to the
// top of the thread, one page at a time, keeping what they were reading in place.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { RefObject } from 'preact';
import type { Item, Messenger } from '../messenger.js';
import type { Lang } from '../i18n.js';

const T = { en: 'Loading earlier messages…', fr: 'Chargement des messages précédents…', de: 'Frühere Nachrichten werden geladen…' };

export const css = '';

/** Near the top (px) counts as "at the top": the next page starts loading a little early. */
const TOP = 40;

export function Older({ messenger, thread, lang }: { messenger: Messenger; thread: RefObject<HTMLDivElement | null>; lang: Lang }) {
  const [loading, setLoading] = useState(false);
  // The thread's height and scroll before older messages go in above: restored after render.
  const keep = useRef<{ height: number; top: number } | null>(null);
  useLayoutEffect(() => {
    const el = thread.current;
    if (el && keep.current) el.scrollTop = keep.current.top + el.scrollHeight - keep.current.height;
    keep.current = null;
  });
  useEffect(() => {
    const el = thread.current;
    if (!el) return;
    let done = false;
    let busy = false;
    const onScroll = () => {
      const { socket, items } = messenger;
      const first = items.value.find((x) => x.id);
      if (done || busy || el.scrollTop > TOP || !first || !socket.connected) return;
      busy = true;
      setLoading(true);
      socket.emit('history:fetch', { before: first.id! }, (res) => {
        busy = false;
        setLoading(false);
        if (!res.ok) return; // e.g. rate limited: the next scroll tries again
        done = !res.hasMore;
        const known = new Set(items.value.map((x) => x.id));
        const add = res.messages.filter((m) => !known.has(m.id)).map((m): Item => ({ ...m, status: 'sent' }));
        if (!add.length) return;
        keep.current = { height: el.scrollHeight, top: el.scrollTop };
        items.value = [...add, ...items.value];
      });
    };
    el.addEventListener('scroll', onScroll, { passive: true });
    return () => el.removeEventListener('scroll', onScroll);
  }, []);
  return (
    <p class="ds" role="status">
      {loading ? T[lang] : ''}
    </p>
  );
}
