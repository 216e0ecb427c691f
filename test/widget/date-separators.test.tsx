// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { mountApp, tick } from './mount.js';
import { msg } from './fake-socket.js';
import { formatDay } from '../../widget/i18n.js';

afterEach(() => {
  document.body.innerHTML = '';
  localStorage.clear();
});

describe('date separators', () => {
  it("put the day above each day's first message, in the visitor's locale", async () => {
    const w = mountApp({ locale: 'en-GB' });
    w.server.open();
    const at = (d: number, h: number) => new Date(2026, 2, d, h).toISOString();
    w.server.of('history:fetch')[0].ack!({
      ok: true,
      hasMore: false,
      messages: [msg({ createdAt: at(12, 9) }), msg({ createdAt: at(12, 17) }), msg({ createdAt: at(13, 8) })],
    });
    await tick();
    expect(w.$$('.t .ds').map((e) => e.textContent)).toEqual(['Thursday 12 March', 'Friday 13 March']);
    expect(formatDay(at(13, 8), 'fr-FR')).toBe('vendredi 13 mars');
  });
});
