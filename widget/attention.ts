// Getting a visitor's attention while the panel is closed: the unread count in the page's
// title (restored afterwards); the optional chime is widget/chime.ts, loaded when it plays.
// No DOM of the widget here.

/** Keeps `(n) ` in front of the page's title while n > 0; restores the title at 0. */
export function titleCounter(doc: Document) {
  let base: string | null = null;
  let ours = '';
  return (n: number) => {
    if (n > 0) {
      // The page may have changed its title meanwhile (or counts itself): start from its text.
      if (base === null || doc.title !== ours) base = doc.title.replace(/^\(\d+\+?\) /, '');
      doc.title = ours = `(${n > 99 ? '99+' : n}) ${base}`;
    } else if (base !== null) {
      if (doc.title === ours) doc.title = base;
      base = null;
    }
  };
}
