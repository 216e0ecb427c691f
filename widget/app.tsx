// The lazily loaded app chunk: connects to /messenger and renders the panel into the shadow
// root the loader prepared. Entry point: `mount(host, open)`.
import { render } from 'preact';
import { effect, signal } from '@preact/signals';
import { io } from 'socket.io-client';
import type { AppHandle, BootOptions, Host } from './api.js';
import type { MessengerAuth } from '../protocol/messenger.js';
import type { MessageDto } from '../protocol/types.js';
import { createMessenger, type Connect } from './messenger.js';
import { pickLang, strings } from './i18n.js';
import { panelCss } from './styles.js';
import { Panel } from './components/panel.js';
import { FollowupSlot } from './components/followup-slot.js';
import { Preview } from './components/preview.js';
import { titleCounter } from './attention.js';

const IDENTITY = ['userId', 'userHash', 'jwt'] as const;

/** Mounts the panel; `connect` is injectable for tests. */
export function mount(host: Host, open: boolean, connect: Connect = io as unknown as Connect): AppHandle {
  const opts = signal<BootOptions & { server: string }>({ ...host.options });
  const isOpen = signal(open);
  host.adopt(panelCss);
  const messenger = createMessenger({
    server: opts.value.server,
    storage: host.storage,
    connect,
    identity: () => {
      const { userId, userHash, jwt, email, name } = opts.value;
      const auth: MessengerAuth = { userId, userHash, jwt, email, name };
      for (const k in auth) if (auth[k as keyof MessengerAuth] == null) delete auth[k as keyof MessengerAuth];
      return auth;
    },
  });
  const preview = signal<MessageDto | null>(null);
  const title = titleCounter(document);
  const stop = [
    effect(() => host.setUnread(messenger.unread.value)),
    effect(() => title(opts.value.titleCount === false ? 0 : messenger.unread.value)),
    // A reply while the panel is closed (or the tab hidden): preview bubble, optional chime.
    effect(() => {
      const m = messenger.incoming.value;
      if (!m) return;
      if (!isOpen.peek()) preview.value = m;
      if (opts.peek().sound && (!isOpen.peek() || document.hidden)) void import('./chime.js').then((m) => m.chime());
    }),
    // Reading happens while the panel is open: everything in view counts as read.
    effect(() => {
      if (isOpen.value && messenger.items.value.length) messenger.markRead();
    }),
  ];
  const App = () => {
    const o = opts.value;
    const lang = pickLang(o.locale);
    return (
      <Panel
        messenger={messenger}
        t={strings(lang)}
        lang={lang}
        adopt={host.adopt}
        locale={o.locale}
        title={o.title}
        greeting={o.greeting}
        blockedText={o.blockedText}
        blockedContact={o.blockedContact}
        open={isOpen}
        onClose={() => host.setOpen(false)}
      >
        <FollowupSlot messenger={messenger} lang={lang} locale={o.locale} storage={host.storage} adopt={host.adopt} />
      </Panel>
    );
  };
  render(<App />, host.root);
  const Bubble = () => (
    <Preview
      m={isOpen.value ? null : preview.value}
      t={strings(pickLang(opts.value.locale))}
      team={opts.value.title}
      onOpen={() => host.setOpen(true)}
      onDismiss={() => (preview.value = null)}
    />
  );
  render(<Bubble />, host.preview);
  if (open) host.root.querySelector('textarea')?.focus();
  return {
    opened(v) {
      isOpen.value = v;
      if (v) preview.value = null;
      if (v) host.root.querySelector('textarea')?.focus();
    },
    update(changed) {
      const before = opts.value;
      opts.value = { ...before, ...changed, server: before.server };
      const changes = (k: keyof BootOptions) => k in changed && changed[k] !== before[k];
      // Another user logs in (or the user logs out): clear the thread on this page. The token is
      // kept either way: a lead logging in is merged into the user, and the server uses it to
      // carry a block over to whatever identity comes next.
      const other = IDENTITY.some((k) => before[k] != null && changes(k));
      if (other || IDENTITY.some(changes) || changes('email') || changes('name')) messenger.reconnect(other);
    },
    destroy() {
      stop.forEach((f) => f());
      title(0);
      render(null, host.root);
      render(null, host.preview);
      messenger.destroy(true);
    },
  };
}
