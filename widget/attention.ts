// Getting a visitor's attention while the panel is closed: the unread count in the page's
// title (restored afterwards) and an optional chime. No DOM of the widget here.

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

/** A short two-note chime through Web Audio (no file to download); silent where audio is not allowed yet. */
export function chime() {
  try {
    const Ctx = window.AudioContext || (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
    if (!Ctx) return;
    const ctx = new Ctx();
    const gain = ctx.createGain();
    gain.connect(ctx.destination);
    gain.gain.setValueAtTime(0.08, ctx.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, ctx.currentTime + 0.5);
    [880, 1320].forEach((f, i) => {
      const osc = ctx.createOscillator();
      osc.frequency.value = f;
      osc.connect(gain);
      osc.start(ctx.currentTime + i * 0.12);
      osc.stop(ctx.currentTime + 0.5);
    });
    setTimeout(() => ctx.close(), 800);
  } catch {
    // Autoplay policies may refuse before the visitor interacted with the page: no chime then.
  }
}
