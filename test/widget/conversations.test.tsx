// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mountApp, ready, tick, typeAndEnter } from './mount.js';

afterEach(() => {
  document.body.innerHTML = '';
  localStorage.clear();
});

const pastButton = (w: ReturnType<typeof mountApp>) => w.$<HTMLButtonElement>('.h button[aria-label="Your conversations"]')!;
const list = (w: ReturnType<typeof mountApp>) => vi.waitFor(() => w.$('.cv') ?? Promise.reject(new Error('no list yet')), 5000);
describe('past conversations', () => {
  it('lists the conversations page by page instead of the thread, and starts a new one with the next message only', async () => {
    const w = await ready();
    pastButton(w).click();
    const cv = await list(w);
    expect(pastButton(w).getAttribute('aria-pressed')).toBe('true');
    expect(w.$('.t')).toBeNull();
    expect(w.$('textarea')).toBeNull();
    expect(cv.querySelector('[role="status"]')?.textContent).toBe('Loading…');
    // The list asks from an effect after its first paint: wait for the request, not the paint.
    const [ask] = await vi.waitFor(() => (w.server.of('conversations:list').length ? w.server.of('conversations:list') : Promise.reject(new Error('not asked yet'))), 5000);
    expect(ask.payload).toEqual({});
    const at = '2026-03-12T10:00:00.000Z';
    ask.ack!({ ok: true, conversations: [{ id: '2', state: 'open', title: null, createdAt: at, lastActivityAt: at }], nextCursor: 'page2' });
    await tick();
    expect(w.$$('.cv li').map((li) => li.textContent)).toEqual([expect.stringMatching(/^Conversation · .*Open · /)]);
    expect(cv.querySelector('[role="status"]')?.textContent).toBe('');
    [...w.$$('.cv button')].find((b) => b.textContent === 'Show more')!.click();
    expect(w.server.of('conversations:list')[1].payload).toEqual({ cursor: 'page2' });
    w.server.of('conversations:list')[1].ack!({ ok: true, conversations: [{ id: '1', state: 'closed', title: 'Refund', createdAt: at, lastActivityAt: at }], nextCursor: null });
    await tick();
    expect(w.$$('.cv li strong').map((s) => s.textContent)).toEqual([expect.stringMatching(/^Conversation/), 'Refund']);
    expect(w.$$('.cv button').map((b) => b.textContent)).toEqual(['New conversation']);

    w.$<HTMLButtonElement>('.cv .nw')!.click();
    await tick();
    expect(w.$('.cv')).toBeNull();
    expect(w.root.getRootNode() instanceof ShadowRoot && (w.root.getRootNode() as ShadowRoot).activeElement?.tagName).toBe('TEXTAREA');
    await typeAndEnter(w, 'a new topic');
    await typeAndEnter(w, 'same new topic');
    expect(w.server.of('message:send').map((s) => s.payload.newConversation)).toEqual([true, undefined]);
  });

  it('a blocked contact reads the list but cannot start a conversation', async () => {
    const w = await ready({ blocked: true });
    pastButton(w).click();
    await list(w);
    expect(w.$<HTMLButtonElement>('.cv .nw')!.disabled).toBe(true);
    w.server.of('conversations:list')[0].ack!({ ok: false, error: { code: 'rate_limited', message: 'x' } });
    await tick();
    expect(w.$('.cv [role="status"]')?.textContent).toBe('Could not load your conversations.');
    pastButton(w).click();
    await tick();
    expect(w.$('.cv')).toBeNull();
    expect(w.$('.t')).not.toBeNull();
  });
});
