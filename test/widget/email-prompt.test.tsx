// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mountApp, tick } from './mount.js';
import { msg } from './fake-socket.js';
import type { TeamInfo } from '../../protocol/messenger.js';

afterEach(() => {
  document.body.innerHTML = '';
  localStorage.clear();
  vi.useRealTimers();
});

/** A widget whose visitor wrote once and got no answer yet. */
async function waiting(followup: { promptAfterSeconds: number; subscribed: boolean; agentsOnline: boolean }, team?: TeamInfo) {
  const w = mountApp({ locale: 'en-GB' });
  w.server.open({}, 'tok-1', followup, team);
  w.server.of('history:fetch')[0].ack!({ ok: true, messages: [], hasMore: false });
  await tick();
  const ta = w.$<HTMLTextAreaElement>('textarea')!;
  ta.value = 'Anyone there?';
  ta.dispatchEvent(new Event('input', { bubbles: true }));
  await tick();
  ta.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
  const [send] = w.server.of('message:send');
  send.ack!({ ok: true, message: msg({ clientId: send.payload.clientId, body: 'Anyone there?', author: { type: 'lead', id: 'c1' } }) });
  await tick();
  return w;
}

const prompt = (w: ReturnType<typeof mountApp>) => vi.waitFor(() => w.$('.ep') ?? Promise.reject(new Error('no prompt yet')));

describe('email prompt', () => {
  it('asks only after promptAfterSeconds without an answer, validates, and thanks once the server has it', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const w = await waiting({ promptAfterSeconds: 60, subscribed: false, agentsOnline: true });
    vi.advanceTimersByTime(59_000);
    await tick();
    expect(w.$('.ep')).toBeNull();
    vi.advanceTimersByTime(1_500);
    await prompt(w);
    vi.useRealTimers();
    const input = w.$<HTMLInputElement>('.ep input')!;
    expect(input.type).toBe('email');
    expect(input.getAttribute('autocomplete')).toBe('email');
    input.value = 'ada@';
    input.dispatchEvent(new Event('input', { bubbles: true }));
    await tick();
    w.$<HTMLFormElement>('.ep form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    await tick();
    expect(w.$('.ep-err')?.textContent).toContain('like name@example.com');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(w.server.of('followup:subscribe')).toHaveLength(0);
    input.value = 'ada@example.com';
    input.dispatchEvent(new Event('input', { bubbles: true }));
    await tick();
    w.$<HTMLFormElement>('.ep form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    await tick();
    const [sub] = w.server.of('followup:subscribe');
    expect(sub.payload).toMatchObject({ email: 'ada@example.com' });
    sub.ack!({ ok: true });
    await vi.waitFor(() => expect(w.$('.ep[role="status"]')?.textContent).toContain('ada@example.com'));
  });

  it('asks at once when no agent is online; never when an address is on file; "No thanks" is remembered', async () => {
    const w = await waiting({ promptAfterSeconds: 600, subscribed: false, agentsOnline: false });
    await prompt(w);
    (w.$('.ep .ep-x') as HTMLButtonElement).click();
    await tick();
    expect(w.$('.ep')).toBeNull();
    expect(w.storage.get('followup-dismissed')).toBe('1');
    document.body.innerHTML = '';
    localStorage.clear();
    const on = await waiting({ promptAfterSeconds: 0, subscribed: true, agentsOnline: false });
    await tick();
    expect(on.$('.ep')).toBeNull();
  });

  it('outside office hours the header says when the team is back and the prompt asks at once', async () => {
    const team: TeamInfo = { names: ['Léa Martin', 'Sam'], replyTime: 'hour', open: false, back: { day: 1, time: '09:00', timezone: 'Europe/Paris' } };
    const w = await waiting({ promptAfterSeconds: 600, subscribed: false, agentsOnline: true }, team);
    await prompt(w);
    expect(w.$('.ep p')?.textContent).toContain('We are away right now and back Monday 09:00 (Paris).');
    await vi.waitFor(() => expect(w.$('.tm')).not.toBeNull());
    expect(w.$$('.av').map((e) => e.textContent)).toEqual(['LM', 'S']);
    expect(w.$('.avs')?.getAttribute('aria-hidden')).toBe('true');
    expect(w.$('.tm > span:last-child')?.textContent).toBe('Léa Martin and Sam · Away now, back Monday 09:00 (Paris)');
  });

  it('within office hours the header shows the usual reply time', async () => {
    const w = mountApp();
    w.server.open({}, 'tok-1', undefined, { names: ['Sam'], replyTime: 'minutes', open: true });
    await vi.waitFor(() => expect(w.$('.tm > span:last-child')?.textContent).toBe('Sam · Typically replies in a few minutes'));
  });
});
