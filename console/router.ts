// The console's address bar: `/console/<view>[/<id>]` is the place an agent is at, so a reload
// keeps it, back and forward move through it, and a link can be shared with a colleague.
import { signal } from '@preact/signals';

export const BASE = '/console';

/** A view name (first path segment, e.g. `conversations`) and an optional id in it. */
export interface Place {
  view: string;
  id: string | null;
}

/** `/console/contacts/abc` → { view: 'contacts', id: 'abc' }; `/console` → the fallback view. */
export function parsePlace(pathname: string, fallback: string): Place {
  const rest = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : '';
  const [view, id] = rest.split('/').filter(Boolean).map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      return '';
    }
  });
  return { view: view || fallback, id: id || null };
}

export const placeHref = (p: Place) => `${BASE}/${encodeURIComponent(p.view)}${p.id ? `/${encodeURIComponent(p.id)}` : ''}`;

/** The current place as a signal, kept in step with the history (one per signed-in page). */
export function createRouter(fallback: string) {
  const place = signal(parsePlace(location.pathname, fallback));
  const onPop = () => (place.value = parsePlace(location.pathname, fallback));
  addEventListener('popstate', onPop);
  return {
    place,
    /** Moves to `p`; `replace` for corrections that should not add a history step. */
    go(p: Place, replace = false) {
      const href = placeHref(p);
      if (href !== location.pathname) history[replace ? 'replaceState' : 'pushState'](null, '', href);
      place.value = p;
    },
    destroy: () => removeEventListener('popstate', onPop),
  };
}

export type Router = ReturnType<typeof createRouter>;
