// widget.js: a classic script (the snippet loads it with <script async>). It replays the
// command queue, paints the launcher in a Shadow DOM root, and import()s the app chunk
// (Preact, socket.io, panel) when the visitor opens the panel, or at idle for returning
// visitors so unread replies show on the badge.
import type { AppHandle, AppModule, BootOptions, CommandName, Host, Listener } from './api.js';
import { createStorage } from './storage.js';
import { LAUNCHER, pickLang } from './i18n.js';
import { baseCss } from './styles.js';

const COMMANDS: CommandName[] = ['boot', 'shutdown', 'show', 'hide', 'update', 'onUnreadCountChange', 'onShow', 'onHide'];
const SVG = 'http://www.w3.org/2000/svg';

type Api = ((command: string, arg?: unknown) => void) & { q?: IArguments[] | unknown[][] };

function svg(cls: string, d: string): SVGSVGElement {
  const s = document.createElementNS(SVG, 'svg');
  s.setAttribute('viewBox', '0 0 24 24');
  s.setAttribute('class', cls);
  s.setAttribute('aria-hidden', 'true');
  const p = document.createElementNS(SVG, 'path');
  p.setAttribute('d', d);
  s.append(p);
  return s;
}

/** Adds CSS to a shadow root: constructable stylesheet (allowed by CSP), <style> as fallback. */
function adopter(root: ShadowRoot) {
  return (css: string) => {
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
    } catch {
      const style = document.createElement('style');
      style.textContent = css;
      root.prepend(style);
    }
  };
}

/** Black or white, whichever reads better on a #rgb/#rrggbb accent. */
function onAccent(color: string): string {
  const hex = color.trim().replace(/^#([\da-f])([\da-f])([\da-f])$/i, '#$1$1$2$2$3$3');
  if (!/^#[\da-f]{6}$/i.test(hex)) return '#fff';
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.04 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.4 ? '#111' : '#fff';
}

/**
 * Creates the `Parley` command function. `load` fetches the app chunk; `base` is the URL
 * widget.js came from (the default server).
 */
export function createParley(load: () => Promise<AppModule>, base: string) {
  const warned = new Set<string>();
  const on = { unread: [] as Listener<number>[], show: [] as Listener[], hide: [] as Listener[] };
  let unread = 0;
  let inst: ReturnType<typeof boot> | null = null;

  function boot(options: BootOptions = {}) {
    const server = (options.server || base).replace(/\/+$/, '');
    const opts = { ...options, server };
    const storage = createStorage(`parley:${server}:`);
    const host = document.createElement('parley-messenger');
    const shadow = host.attachShadow({ mode: 'open' });
    const adopt = adopter(shadow);
    adopt(baseCss);
    const w = document.createElement('div');
    const launcher = document.createElement('button');
    const badge = document.createElement('span');
    const root = document.createElement('div');
    const preview = document.createElement('div');
    const dark = matchMedia('(prefers-color-scheme: dark)');
    launcher.type = 'button';
    launcher.className = 'l';
    badge.className = 'b';
    root.className = 'p';
    root.setAttribute('role', 'dialog');
    preview.className = 'pv';
    launcher.append(svg('io', 'M21 12a8 8 0 0 1-11.6 7.1L4 20.5l1.4-4.9A8 8 0 1 1 21 12z'), svg('ix', 'M6 6l12 12M18 6L6 18'), badge);
    w.append(root, preview, launcher);
    shadow.append(w);
    let open = false;
    let app: AppHandle | null = null;
    let loading: Promise<void> | null = null;
    let dead = false;

    const paint = () => {
      const [openLabel, closeLabel, unreadLabel] = LAUNCHER[pickLang(opts.locale)];
      const theme = opts.theme || 'light';
      w.className = ['w', open && 'open', opts.position === 'left' && 'left', opts.launcher === false && 'nolauncher', (theme === 'dark' || (theme === 'auto' && dark.matches)) && 'dark']
        .filter(Boolean)
        .join(' ');
      // CSSOM custom properties: allowed under a CSP without 'unsafe-inline'.
      if (opts.accentColor) {
        w.style.setProperty('--a', opts.accentColor);
        w.style.setProperty('--on-a', onAccent(opts.accentColor));
      }
      launcher.setAttribute('aria-expanded', String(open));
      launcher.setAttribute('aria-label', (open ? closeLabel : openLabel) + (unread ? `, ${unread} ${unreadLabel}` : ''));
      root.setAttribute('aria-label', opts.title || openLabel);
      badge.textContent = unread ? String(unread > 99 ? '99+' : unread) : '';
    };

    const ensureApp = () =>
      (loading ||= load().then(
        (mod) => {
          if (dead) return;
          const h: Host = { options: opts, root, preview, storage, adopt, setOpen, setUnread };
          app = mod.mount(h, open);
        },
        (err) => {
          loading = null;
          console.error('[Parley] Could not load the messenger', err);
        },
      ));

    function setOpen(v: boolean) {
      if (v === open) return;
      open = v;
      paint();
      (v ? on.show : on.hide).forEach((f) => f());
      if (app) app.opened(v);
      else if (v) ensureApp();
      if (!v) launcher.focus();
    }

    function setUnread(n: number) {
      if (n === unread) return;
      unread = n;
      paint();
      on.unread.forEach((f) => f(n));
    }

    launcher.onclick = () => setOpen(!open);
    // A block body on purpose: an `onkeydown` handler returning false cancels the key.
    w.onkeydown = (e) => {
      if (e.key === 'Escape' && open) setOpen(false);
    };
    dark.addEventListener?.('change', paint);
    paint();
    // widget.js is async: from cache it can run before <body> exists.
    const attach = () => !dead && document.body.append(host);
    if (document.body) attach();
    else document.addEventListener('DOMContentLoaded', attach, { once: true });
    // Returning visitors may have replies waiting: connect when the page is idle.
    if (storage.get('token')) (window.requestIdleCallback || setTimeout)(() => ensureApp(), { timeout: 3000 } as never);

    return {
      setOpen,
      update(changed: BootOptions) {
        Object.assign(opts, changed, { server });
        paint();
        app?.update(changed);
      },
      shutdown() {
        dead = true;
        dark.removeEventListener?.('change', paint);
        app?.destroy();
        host.remove();
        setUnread(0);
      },
    };
  }

  const commands = {
    boot(o?: BootOptions) {
      if (inst) return console.warn('[Parley] Already booted; call shutdown first.');
      inst = boot(o && typeof o === 'object' ? o : {});
    },
    shutdown() {
      inst?.shutdown();
      inst = null;
    },
    show: () => inst?.setOpen(true),
    hide: () => inst?.setOpen(false),
    update: (o: BootOptions) => o && typeof o === 'object' && inst?.update(o),
    onUnreadCountChange: (f: Listener<number>) => typeof f === 'function' && on.unread.push(f),
    onShow: (f: Listener) => typeof f === 'function' && on.show.push(f),
    onHide: (f: Listener) => typeof f === 'function' && on.hide.push(f),
  };

  return function Parley(command: string, arg?: unknown) {
    if (!COMMANDS.includes(command as CommandName)) {
      if (!warned.has(command)) {
        warned.add(command);
        console.warn(`[Parley] Unknown command "${command}" ignored. Commands: ${COMMANDS.join(', ')}.`);
      }
      return;
    }
    try {
      (commands[command as CommandName] as (a?: unknown) => void)(arg);
    } catch (err) {
      console.error(`[Parley] "${command}" failed`, err);
    }
  };
}

/** Replaces the snippet's queueing stub with the real function and replays queued calls. */
export function install(win: Window & { Parley?: Api & { ready?: true } }, parley: (command: string, arg?: unknown) => void) {
  if (win.Parley?.ready) return; // widget.js included twice: the first copy stays in charge
  const queued = win.Parley?.q ?? [];
  win.Parley = Object.assign(parley, { ready: true as const });
  for (const args of queued) parley(...(Array.from(args) as [string, unknown]));
}

// Auto-install when loaded by the snippet (not when imported by tests).
if (typeof __PARLEY_APP__ === 'string') {
  const src =
    (document.currentScript as HTMLScriptElement | null)?.src || document.querySelector<HTMLScriptElement>('script[src*="/widget.js"]')?.src || location.href;
  const app = new URL(__PARLEY_APP__, src).href;
  install(window, createParley(() => import(/* @vite-ignore */ app), new URL(src).origin));
}
