// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mountApp, tick } from './mount.js';
import { msg } from './fake-socket.js';

afterEach(() => {
  document.body.innerHTML = '';
  localStorage.clear();
  vi.useRealTimers();
});

describe('read receipts in the widget', () => {
  it('shows "Seen" on the last own message once an agent read it (from history, then live)', async () => {
    const w = mountApp();
    w.server.open();
    const own = [msg({ author: { type: 'lead', id: 'c1' }, body: 'first' }), msg({ author: { type: 'lead', id: 'c1' }, body: 'second' })];
    w.server.of('history:fetch')[0].ack!({ ok: true, messages: own, hasMore: false, seenId: own[0].id });
    await tick();
    // Read up to the first: the last own message is not seen yet.
    expect(w.$$('.m.me .meta').some((e) => e.textContent?.includes('Seen'))).toBe(false);
    expect(w.$$('.m.me')[1].querySelector('.meta')?.textContent).toMatch(/^\d\d:\d\d$|\d/);
    w.server.push('conversation:seen', { conversationId: 'conv1', messageId: own[1].id });
    await tick();
    expect(w.$$('.m.me')[1].querySelector('.meta')?.textContent).toMatch(/ · Seen$/);
    expect(w.$$('.m.me')[0].querySelector('.meta')).toBeNull();
  });

  it('tells the server what was read while the panel is open, coalesced to one event', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const w = mountApp({}, true);
    w.server.open();
    w.server.of('history:fetch')[0].ack!({ ok: true, messages: [], hasMore: false });
    await tick();
    const replies = [msg(), msg(), msg()];
    for (const m of replies) w.server.push('message:new', m);
    await tick();
    expect(w.server.of('read')).toHaveLength(0);
    vi.advanceTimersByTime(1100);
    expect(w.server.of('read').map((s) => s.payload)).toEqual([{ messageId: replies[2].id }]);
    vi.advanceTimersByTime(5000);
    expect(w.server.of('read')).toHaveLength(1);
  });
});
