// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mountApp, ready, tick, typeAndEnter } from './mount.js';
import { msg } from './fake-socket.js';

afterEach(() => {
  document.body.innerHTML = '';
  localStorage.clear();
  vi.useRealTimers();
});

describe('composer states', () => {
  it('Enter sends optimistically (pending), the ack confirms (sent)', async () => {
    const w = await ready();
    await typeAndEnter(w, '  Hello there  ');
    const [send] = w.server.of('message:send');
    expect(send.payload).toEqual({ clientId: expect.stringMatching(/^[0-9a-f]{32}$/), body: 'Hello there' });
    expect(w.$('.m.me')?.dataset.status).toBe('pending');
    expect(w.$('.m.me .meta')?.textContent).toBe('Sending…');
    expect(w.$<HTMLTextAreaElement>('textarea')!.value).toBe('');
    send.ack!({ ok: true, message: msg({ clientId: send.payload.clientId, body: 'Hello there', author: { type: 'lead', id: 'c1' } }) });
    await tick();
    expect(w.$$('.m.me')).toHaveLength(1);
    expect(w.$('.m.me')?.dataset.status).toBe('sent');
  });

  it('Shift+Enter adds a line instead of sending; empty text never sends', async () => {
    const w = await ready();
    await typeAndEnter(w, 'line one', true);
    await typeAndEnter(w, '   ');
    expect(w.server.of('message:send')).toHaveLength(0);
    expect(w.$<HTMLButtonElement>('button.s')!.disabled).toBe(true);
  });

  it('a rejected send is marked failed with a reason and Retry resends the same clientId', async () => {
    const w = await ready();
    await typeAndEnter(w, 'hi');
    const [first] = w.server.of('message:send');
    first.ack!({ ok: false, error: { code: 'rate_limited', message: 'Too many requests; slow down.' } });
    await tick();
    expect(w.$('.m.me')?.dataset.status).toBe('failed');
    expect(w.$('.m.me .meta')?.textContent).toBe('Not sent');
    expect(w.$('.fs[role="alert"]')?.textContent).toBe('A message was not sent. You are sending too fast. Wait a moment and retry.Retry');
    (w.$('.fs button') as HTMLButtonElement).click();
    await tick();
    const second = w.server.of('message:send')[1];
    expect(second.payload.clientId).toBe(first.payload.clientId);
    expect(w.$('.m.me')?.dataset.status).toBe('pending');
  });

  it('groups several failed sends into one alert with one Retry for all', async () => {
    const w = await ready();
    await typeAndEnter(w, 'one');
    await typeAndEnter(w, 'two');
    await typeAndEnter(w, 'three');
    for (const s of w.server.of('message:send')) s.ack!({ ok: false, error: { code: 'rate_limited', message: 'Too many requests; slow down.' } });
    await tick();
    expect(w.$$('.m.me').map((e) => e.dataset.status)).toEqual(['failed', 'failed', 'failed']);
    expect(w.$$('[role="alert"]')).toHaveLength(1);
    expect(w.$('.fs span')?.textContent).toBe('3 messages were not sent. You are sending too fast. Wait a moment and retry.');
    expect(w.$$('.m.me button')).toHaveLength(0);
    (w.$('.fs button') as HTMLButtonElement).click();
    await tick();
    expect(w.server.of('message:send').slice(3).map((s) => s.payload.body)).toEqual(['one', 'two', 'three']);
    expect(w.$('.fs')).toBeNull();
  });

  it('an unanswered send on a live connection fails after the timeout', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const w = await ready();
    await typeAndEnter(w, 'anyone?');
    expect(w.$('.m.me')?.dataset.status).toBe('pending');
    vi.advanceTimersByTime(15_001);
    await tick();
    expect(w.$('.m.me')?.dataset.status).toBe('failed');
  });

  it('shows how many characters are too many and disables send', async () => {
    const w = await ready();
    const ta = w.$<HTMLTextAreaElement>('textarea')!;
    ta.value = 'x'.repeat(10_005);
    ta.dispatchEvent(new Event('input', { bubbles: true }));
    await tick();
    expect(w.$('.cnt.err')?.textContent).toContain('5 characters too many');
    expect(w.$<HTMLButtonElement>('button.s')!.disabled).toBe(true);
  });
});

describe('offline queue and resume', () => {
  it('queues sends while offline and sends them after the next session and history', async () => {
    const w = await ready();
    w.server.drop();
    await tick();
    expect(w.$('.st')?.textContent).toContain('Reconnecting');
    await typeAndEnter(w, 'written offline');
    expect(w.server.of('message:send')).toHaveLength(0);
    expect(w.$('.m.me .meta')?.textContent).toBe('Will send when you are back online');
    w.server.open();
    expect(w.server.of('message:send')).toHaveLength(0); // not before history
    w.server.of('history:fetch')[1].ack!({ ok: true, messages: [], hasMore: false });
    expect(w.server.of('message:send')).toHaveLength(1);
    await tick();
    expect(w.$('.st')).toBeNull();
  });

  it('drops a redacted message from the thread when message:redacted arrives', async () => {
    const w = mountApp();
    w.server.open();
    const a = msg({ body: 'rude words', author: { type: 'lead', id: 'c1' } });
    const b = msg({ body: 'kept' });
    w.server.of('history:fetch')[0].ack!({ ok: true, messages: [a, b], hasMore: false });
    await tick();
    const bubbles = () => w.$$('.m .bu').map((e) => e.textContent).filter((t) => t !== 'Hi there! How can we help you today?');
    expect(bubbles()).toEqual(['rude words', 'kept']);
    w.server.push('message:redacted', { messageId: a.id, conversationId: a.conversationId });
    await tick();
    expect(bubbles()).toEqual(['kept']);
  });

  it('resumes history since the last seen id without duplicates', async () => {
    const w = mountApp();
    w.server.open();
    const a = msg({ body: 'first' });
    const b = msg({ body: 'second' });
    w.server.of('history:fetch')[0].ack!({ ok: true, messages: [a, b], hasMore: false });
    expect(w.server.of('history:fetch')[0].payload).toEqual({ since: null });
    w.server.push('message:new', b); // the same message pushed live
    w.server.drop();
    w.server.open();
    expect(w.server.of('history:fetch')[1].payload).toEqual({ since: b.id });
    const c = msg({ body: 'third' });
    const d = msg({ body: 'fourth' });
    w.server.of('history:fetch')[1].ack!({ ok: true, messages: [b, c], hasMore: true });
    expect(w.server.of('history:fetch')[2].payload).toEqual({ since: c.id });
    w.server.of('history:fetch')[2].ack!({ ok: true, messages: [d], hasMore: false });
    await tick();
    expect(w.$$('.m .bu').map((e) => e.textContent).slice(1)).toEqual(['first', 'second', 'third', 'fourth']);
  });

  it('matches own messages from other tabs by clientId and stores the visitor token', async () => {
    const w = await ready();
    expect(w.storage.get('token')).toBe('tok-1');
    expect(await w.server.auth()).toEqual({ visitorToken: 'tok-1', deviceId: expect.stringMatching(/^[0-9a-f]{32}$/) });
    await typeAndEnter(w, 'mine');
    const [send] = w.server.of('message:send');
    const stored = msg({ clientId: send.payload.clientId, body: 'mine', author: { type: 'lead', id: 'c1' } });
    w.server.push('message:new', stored); // echoed before the ack
    send.ack!({ ok: true, message: stored });
    await tick();
    expect(w.$$('.m.me')).toHaveLength(1);
  });
});

describe('blocked state', () => {
  it('a blocked session shows the notice instead of the composer, history stays readable', async () => {
    const w = mountApp();
    w.server.open({ blocked: true });
    w.server.of('history:fetch')[0].ack!({ ok: true, messages: [msg({ body: 'earlier reply' })], hasMore: false });
    await tick();
    expect(w.$('textarea')).toBeNull();
    // The notice is a lazy chunk: it arrives inside the live region that is already there.
    await vi.waitFor(() => expect(w.$('[aria-live] .bn')?.textContent).toContain('You can no longer send messages'), 5000);
    expect(w.$$('.bu').map((e) => e.textContent)).toContain('earlier reply');
  });

  it('contact:blocked marks pending sends not delivered, removes the composer; unblock restores it', async () => {
    const w = await ready();
    w.server.drop();
    await typeAndEnter(w, 'queued one');
    w.server.open();
    w.server.push('contact:blocked', { contactId: 'c1' });
    w.server.of('history:fetch')[1].ack!({ ok: true, messages: [], hasMore: false });
    await tick();
    expect(w.server.of('message:send')).toHaveLength(0);
    expect(w.$('.m.me')?.dataset.status).toBe('undelivered');
    expect(w.$('.m.me .meta')?.textContent).toBe('Not delivered');
    expect(w.$('.fs')).toBeNull(); // no retry while blocked: the notice explains
    expect(w.$('textarea')).toBeNull();
    expect(w.$('form')).toBeNull();
    const live = w.$('.live')!;
    expect(live.getAttribute('aria-live')).toBe('polite');
    await vi.waitFor(() => expect(live.textContent).toContain('Messaging is turned off'), 5000);

    w.server.push('contact:unblocked', { contactId: 'c1' });
    await tick();
    expect(w.$('textarea')).not.toBeNull();
    expect(w.$<HTMLTextAreaElement>('textarea')!.value).toBe('');
    expect(w.$('.live')?.textContent).toBe('');
    expect(w.$('.fs button')?.textContent).toBe('Retry');
  });

  it('keeps an unsent draft across block and unblock', async () => {
    const w = await ready();
    const ta = w.$<HTMLTextAreaElement>('textarea')!;
    ta.value = 'half written';
    ta.dispatchEvent(new Event('input', { bubbles: true }));
    w.server.push('contact:blocked', { contactId: 'c1' });
    await tick();
    expect(w.$('textarea')).toBeNull();
    w.server.push('contact:unblocked', { contactId: 'c1' });
    await tick();
    expect(w.$<HTMLTextAreaElement>('textarea')!.value).toBe('half written');
  });

  it('an ack with contact_blocked switches to the blocked state', async () => {
    const w = await ready();
    await typeAndEnter(w, 'hello?');
    w.server.of('message:send')[0].ack!({ ok: false, error: { code: 'contact_blocked', message: 'x' } });
    await tick();
    expect(w.$('textarea')).toBeNull();
    expect(w.$('.m.me')?.dataset.status).toBe('undelivered');
  });

  it('uses the configured notice text and alternative contact line; the subtitle says messaging is off', async () => {
    const w = mountApp({ blockedText: 'Please email support@example.com instead.', blockedContact: 'Or call +33 4 00 00 00 00 · [help@acme.test](mailto:help@acme.test)' });
    w.server.open({ blocked: true });
    await tick();
    await vi.waitFor(() => expect(w.$('.bn p')?.textContent).toBe('Please email support@example.com instead.'), 5000);
    expect(w.$('.bn svg')?.getAttribute('aria-hidden')).toBe('true');
    expect(w.$('.bn-c')?.textContent).toContain('Or call');
    expect(w.$('.bn-c a[href="mailto:help@acme.test"]')).not.toBeNull();
    expect(w.$('.h-t span')?.textContent).toBe('Messaging is off');
    w.server.push('contact:unblocked', { contactId: 'c1' });
    await tick();
    expect(w.$('.h-t span')?.textContent).toBe('Ask us anything, we reply right here.');
  });
});

describe('unread count and typing', () => {
  it('counts agent replies while closed and clears them on open', async () => {
    const w = mountApp({}, false);
    w.server.open();
    w.server.of('history:fetch')[0].ack!({ ok: true, messages: [], hasMore: false });
    w.server.push('message:new', msg());
    w.server.push('message:new', msg());
    w.server.push('message:new', msg({ author: { type: 'lead', id: 'c1' } }));
    expect(w.state.unread.at(-1)).toBe(2);
    w.host.setOpen(true);
    expect(w.state.unread.at(-1)).toBe(0);
    w.server.push('message:new', msg());
    expect(w.state.unread.at(-1)).toBe(0); // open: read at once
  });

  it('remembers what was read across reloads', async () => {
    const first = mountApp({}, true);
    first.server.open();
    const a = msg();
    first.server.of('history:fetch')[0].ack!({ ok: true, messages: [a], hasMore: false });
    const again = mountApp({}, false);
    again.server.open();
    again.server.of('history:fetch')[0].ack!({ ok: true, messages: [a, msg()], hasMore: false });
    expect(again.state.unread.at(-1)).toBe(1);
  });

  it('shows the agent typing indicator and hides it when the reply arrives', async () => {
    const w = await ready();
    w.server.push('agent:typing', { conversationId: 'conv1', typing: true, name: 'Ada' });
    await tick();
    expect(w.$('.ty')?.textContent).toBe('Ada is typing…');
    w.server.push('message:new', msg({ author: { type: 'admin', id: 'a1', name: 'Ada' } }));
    await tick();
    expect(w.$('.ty')).toBeNull();
  });

  it('speaks French when asked', async () => {
    const w = mountApp({ locale: 'fr-FR' });
    await tick();
    expect(w.$<HTMLTextAreaElement>('textarea')!.placeholder).toBe('Écrivez un message…');
  });
});

describe('identity across sign-in and sign-out', () => {
  it("keeps the lead's visitor token when a customer session brings none, and across sign-out", async () => {
    const w = await ready();
    expect(w.storage.get('token')).toBe('tok-1');
    w.server.open({ id: 'cust', type: 'customer' }, null);
    expect(w.storage.get('token')).toBe('tok-1');
    w.app.update({ userId: 'u-2', userHash: 'h' });
    expect(await w.server.auth()).toMatchObject({ visitorToken: 'tok-1', userId: 'u-2' });
    w.app.destroy();
    expect(w.storage.get('token')).toBe('tok-1');
  });

  it('waits out a refused connection over the per-contact or per-IP cap, then retries', async () => {
    vi.useFakeTimers();
    const w = mountApp();
    const before = w.server.socket.connects;
    w.server.refuse('too_many_connections');
    vi.advanceTimersByTime(14_000);
    expect(w.server.socket.connects).toBe(before);
    vi.advanceTimersByTime(2_000);
    expect(w.server.socket.connects).toBe(before + 1);
  });
});
