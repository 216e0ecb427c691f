import { placeHref } from '../router.js';
import type { ConsoleState } from '../state.js';

/** Props of a same-page link: the router moves, ctrl/middle-click still opens a new tab. */
export function follow(s: ConsoleState, view: string, id: string | null = null) {
  return {
    href: placeHref({ view, id }),
    onClick: (e: MouseEvent) => {
      if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      e.preventDefault();
      s.router.go({ view, id });
    },
  };
}
