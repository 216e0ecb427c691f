// Tells the agents which page the visitor is on: at each session and whenever the address
// changes (back/forward, a hash, or a single-page app's pushState, noticed within 2 s). Reads
// the host page only; never patches its history or globals.
import type { PageContext } from '../protocol/messenger.js';

interface ContextSocket {
  readonly connected: boolean;
  on(event: 'session', listener: () => void): unknown;
  emit(event: 'page:context', payload: PageContext): unknown;
}

const cut = (s: string, n: number) => s.slice(0, n);

/** Starts reporting, from a socket that has its session now; returns the stop function. */
export function reportPageContext(socket: ContextSocket): () => void {
  // The messenger also runs outside a page (Node clients in tests and tools): nothing to report there.
  if (typeof window === 'undefined' || typeof location === 'undefined') return () => {};
  let last = '';
  const send = (force?: boolean) => {
    if ((!force && location.href === last) || !socket.connected) return;
    last = location.href;
    socket.emit('page:context', {
      url: cut(location.href, 2048),
      title: cut(document.title, 300),
      referrer: cut(document.referrer, 2048),
      language: cut(navigator.language || '', 35),
      timeZone: cut(Intl.DateTimeFormat().resolvedOptions().timeZone || '', 64),
    });
  };
  const changed = () => send();
  socket.on('session', () => send(true));
  addEventListener('popstate', changed);
  addEventListener('hashchange', changed);
  const timer = setInterval(changed, 2000);
  send(true);
  return () => {
    clearInterval(timer);
    removeEventListener('popstate', changed);
    removeEventListener('hashchange', changed);
  };
}
