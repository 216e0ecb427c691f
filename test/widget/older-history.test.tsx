// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mountApp, tick } from './mount.js';
import { msg } from './fake-socket.js';

afterEach(() => {
  document.body.innerHTML = '';
  localStorage.clear();
});

describe('older history', () => {
  it('loads the page before the first message when the visitor scrolls to the top, until there is no more', async () => {
    const w = mountApp();
    w.server.open();
    const latest = [msg({ body: 'latest one' }), msg({ body: 'latest two' })];
    w.server.of('history:fetch')[0].ack!({ ok: true, hasMore: true, messages: latest });
    const status = await vi.waitFor(() => w.$('.t [role="status"]') ?? Promise.reject(new Error('no older chunk yet')), 5000);
    expect(status.textContent).toBe('');
    const thread = w.$('.t')!;
    thread.scrollTop = 0;
    // The chunk listens from its effect, which runs after it first painted: scroll until it hears.
    await vi.waitFor(() => {
      thread.dispatchEvent(new Event('scroll'));
      expect(w.server.of('history:fetch').slice(1).map((s) => s.payload)).toEqual([{ before: latest[0].id }]);
    });
    const asks = w.server.of('history:fetch');
    await tick();
    expect(status.textContent).toBe('Loading earlier messages…');
    // A second scroll while a page is on its way asks nothing more.
    thread.dispatchEvent(new Event('scroll'));
    expect(w.server.of('history:fetch')).toHaveLength(2);

    asks[1].ack!({ ok: true, hasMore: false, messages: [msg({ body: 'older one' }), msg({ body: 'older two' })] });
    await tick();
    expect(w.$$('.t .m .bu').map((e) => e.textContent)).toEqual([expect.any(String), 'older one', 'older two', 'latest one', 'latest two']);
    expect(status.textContent).toBe('');
    thread.dispatchEvent(new Event('scroll'));
    expect(w.server.of('history:fetch')).toHaveLength(2);
  });

  it('loads nothing older when the latest page was the whole history', async () => {
    const w = mountApp();
    w.server.open();
    w.server.of('history:fetch')[0].ack!({ ok: true, hasMore: false, messages: [msg()] });
    await tick();
    w.$('.t')!.dispatchEvent(new Event('scroll'));
    expect(w.server.of('history:fetch')).toHaveLength(1);
  });
});
