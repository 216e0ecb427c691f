// Mounts the real app chunk into a shadow root with a fake server.
import { mount } from '../../widget/app.js';
import type { BootOptions, Host } from '../../widget/api.js';
import { createStorage } from '../../widget/storage.js';
import { fakeServer } from './fake-socket.js';

export function mountApp(options: BootOptions = {}, open = true) {
  const el = document.createElement('div');
  document.body.append(el);
  const shadow = el.attachShadow({ mode: 'open' });
  const root = document.createElement('div');
  const preview = document.createElement('div');
  shadow.append(root, preview);
  const server = fakeServer();
  const state = { open, unread: [] as number[] };
  const storage = createStorage('parley:test:');
  const host: Host = {
    options: { server: 'https://chat.test', ...options },
    root,
    preview,
    storage,
    adopt: () => {},
    setOpen: (v) => {
      state.open = v;
      app.opened(v);
    },
    setUnread: (n) => state.unread.push(n),
  };
  const app = mount(host, open, server.connect);
  const $ = <T extends Element = HTMLElement>(sel: string) => root.querySelector(sel) as T | null;
  const $$ = (sel: string) => [...root.querySelectorAll(sel)] as HTMLElement[];
  return { app, server, root, host, storage, state, $, $$ };
}

/** Lets Preact flush its batched rerender. */
export const tick = () => new Promise((r) => setTimeout(r, 0));

/** Types into the composer and presses Enter (Shift+Enter with shift). */
export async function typeAndEnter(w: ReturnType<typeof mountApp>, text: string, shift = false) {
  const ta = w.$<HTMLTextAreaElement>('textarea')!;
  ta.value = text;
  ta.dispatchEvent(new Event('input', { bubbles: true }));
  await tick();
  ta.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', shiftKey: shift, bubbles: true, cancelable: true }));
  await tick();
}

/** A widget whose session and history already arrived. */
export async function ready(contact = {}) {
  const w = mountApp();
  w.server.open(contact);
  w.server.of('history:fetch')[0].ack!({ ok: true, messages: [], hasMore: false });
  await tick();
  return w;
}
