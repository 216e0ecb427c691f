// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mountApp, tick } from './mount.js';
import { msg } from './fake-socket.js';

afterEach(() => {
  document.body.innerHTML = '';
  localStorage.clear();
});

describe("agents' pictures", () => {
  it('show in the team header (initials without one) and beside the first of an agent\'s messages, as decoration', async () => {
    const w = mountApp({ server: 'https://chat.test' });
    w.server.open({}, 'tok-1', undefined, { names: ['Léa Martin', 'Sam'], avatars: ['/console/api/avatars/abc', null], replyTime: 'minutes', open: true });
    w.server.of('history:fetch')[0].ack!({
      ok: true,
      hasMore: false,
      messages: [
        msg({ author: { type: 'admin', name: 'Léa Martin', avatarUrl: '/console/api/avatars/abc' }, body: 'one' }),
        msg({ author: { type: 'admin', name: 'Léa Martin', avatarUrl: '/console/api/avatars/abc' }, body: 'two' }),
        msg({ author: { type: 'admin', name: 'Sam' }, body: 'three', createdAt: new Date(Date.now() + 3_600_000).toISOString() }),
      ],
    });
    await vi.waitFor(() => expect(w.$('.tm')).not.toBeNull(), 5000);
    const avs = w.$$('.avs .av');
    expect(avs.map((a) => [a.tagName, a.getAttribute('src'), a.getAttribute('alt'), a.textContent])).toEqual([
      ['IMG', 'https://chat.test/console/api/avatars/abc', '', ''],
      ['SPAN', null, null, 'S'],
    ]);
    await tick();
    const who = w.$$('.t .who').slice(1); // the first is the greeting's
    expect(who.map((e) => [e.textContent, e.querySelector('img')?.getAttribute('src') ?? null, e.querySelector('img')?.getAttribute('alt') ?? null])).toEqual([
      ['Léa Martin', 'https://chat.test/console/api/avatars/abc', ''],
      ['Sam', null, null],
    ]);
  });
});
