// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createParley, install } from '../../widget/loader.js';
import type { AppModule, Host } from '../../widget/api.js';

function fakeApp() {
  const calls: string[] = [];
  let host: Host | undefined;
  const mod: AppModule = {
    mount(h, open) {
      host = h;
      calls.push(`mount:${open}`);
      return { opened: (v) => calls.push(`opened:${v}`), update: () => calls.push('update'), destroy: () => calls.push('destroy') };
    },
  };
  return { mod, calls, host: () => host!, load: vi.fn(async () => mod) };
}

const shadow = () => document.querySelector('parley-messenger')!.shadowRoot!;
const flush = () => new Promise((r) => setTimeout(r, 0));

afterEach(() => {
  document.body.innerHTML = '';
  localStorage.clear();
  vi.restoreAllMocks();
});

describe('command queue', () => {
  it('replays calls queued by the snippet before widget.js loaded', () => {
    const win = window as any;
    win.Parley = function () {
      (win.Parley.q = win.Parley.q || []).push(arguments);
    };
    const shown = vi.fn();
    win.Parley('onShow', shown);
    win.Parley('boot', { server: 'https://chat.example.com/' });
    win.Parley('show');
    const app = fakeApp();
    install(win, createParley(app.load, 'https://cdn.example.com'));
    expect(document.querySelectorAll('parley-messenger')).toHaveLength(1);
    expect(shown).toHaveBeenCalledOnce();
    expect(app.load).toHaveBeenCalledOnce();
    expect(typeof win.Parley).toBe('function');
    expect(win.Parley.q).toBeUndefined();
    const real = win.Parley;
    install(win, createParley(fakeApp().load, 'https://cdn.example.com')); // widget.js twice
    expect(win.Parley).toBe(real);
    expect(document.querySelectorAll('parley-messenger')).toHaveLength(1);
    delete win.Parley;
  });

  it('warns once per unknown command and runs nothing', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const parley = createParley(fakeApp().load, 'https://x.test');
    parley('boott');
    parley('boott');
    parley('toString');
    expect(warn).toHaveBeenCalledTimes(2);
    expect(warn.mock.calls[0][0]).toContain('Unknown command "boott"');
    expect(document.querySelector('parley-messenger')).toBeNull();
  });

  it('paints the launcher inside a shadow root and leaves html/body untouched', () => {
    const before = { html: document.documentElement.getAttribute('class'), body: document.body.getAttribute('style'), head: document.head.innerHTML };
    createParley(fakeApp().load, 'https://x.test')('boot', {});
    const root = shadow();
    expect(root.querySelector('button.l')?.getAttribute('aria-label')).toBe('Open chat');
    expect(document.head.innerHTML).toBe(before.head);
    expect(document.documentElement.getAttribute('class')).toBe(before.html);
    expect(document.body.getAttribute('style')).toBe(before.body);
    expect(document.body.children).toHaveLength(1);
  });

  it('loads the app on the first open and passes the resolved server', async () => {
    const app = fakeApp();
    const parley = createParley(app.load, 'https://cdn.example.com');
    parley('boot', { locale: 'fr' });
    expect(app.load).not.toHaveBeenCalled();
    (shadow().querySelector('button.l') as HTMLButtonElement).click();
    await flush();
    expect(app.calls).toEqual(['mount:true']);
    expect(app.host().options.server).toBe('https://cdn.example.com');
    expect(shadow().querySelector('button.l')?.getAttribute('aria-label')).toBe('Fermer la discussion');
    parley('hide');
    expect(app.calls).toEqual(['mount:true', 'opened:false']);
  });

  it('fires onShow, onHide and onUnreadCountChange, and shows the badge', async () => {
    const app = fakeApp();
    const parley = createParley(app.load, 'https://x.test');
    const seen: string[] = [];
    parley('onShow', () => seen.push('show'));
    parley('onHide', () => seen.push('hide'));
    parley('onUnreadCountChange', (n: number) => seen.push(`unread:${n}`));
    parley('boot', {});
    parley('show');
    parley('show');
    await flush();
    parley('hide');
    app.host().setUnread(3);
    expect(seen).toEqual(['show', 'hide', 'unread:3']);
    expect(shadow().querySelector('.b')?.textContent).toBe('3');
    expect(shadow().querySelector('button.l')?.getAttribute('aria-label')).toBe('Open chat, 3 unread');
  });

  it('applies position, theme, accent and launcher options, and update changes them', () => {
    const parley = createParley(fakeApp().load, 'https://x.test');
    parley('boot', { position: 'left', theme: 'dark', accentColor: '#fde047', launcher: false });
    const w = shadow().querySelector('.w') as HTMLElement;
    expect(w.className.split(' ')).toEqual(expect.arrayContaining(['left', 'dark', 'nolauncher']));
    expect(w.style.getPropertyValue('--a')).toBe('#fde047');
    expect(w.style.getPropertyValue('--on-a')).toBe('#111');
    parley('update', { position: 'right', theme: 'light' });
    expect(w.className).not.toContain('left');
    expect(w.className).not.toContain('dark');
  });

  it('shutdown removes the widget and a new boot starts fresh', async () => {
    const app = fakeApp();
    const parley = createParley(app.load, 'https://x.test');
    parley('boot', {});
    parley('show');
    await flush();
    parley('shutdown');
    expect(app.calls).toContain('destroy');
    expect(document.querySelector('parley-messenger')).toBeNull();
    parley('boot', {});
    expect(document.querySelectorAll('parley-messenger')).toHaveLength(1);
  });

  it('connects at idle only for returning visitors', async () => {
    const app = fakeApp();
    createParley(app.load, 'https://x.test')('boot', {});
    await new Promise((r) => setTimeout(r, 20));
    expect(app.load).not.toHaveBeenCalled();
    document.body.innerHTML = '';
    localStorage.setItem('parley:https://x.test:token', 'tok');
    const again = fakeApp();
    createParley(again.load, 'https://x.test')('boot', {});
    await vi.waitFor(() => expect(again.calls).toEqual(['mount:false']));
  });
});
