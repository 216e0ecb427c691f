import { useEffect, useState } from 'preact/hooks';
import type { ConsoleState } from '../state.js';
import { setTheme, theme, type Theme } from '../theme.js';
import { Avatar } from './avatar.js';
import { BlockDialog } from './block-dialog.js';
import { follow } from './link.js';
import { PasswordDialog } from './password-dialog.js';
import { VIEWS, mayOpen, viewFor } from './views.js';
import { EmailNotice } from './email-notice.js';

type Pending = { contactId: string | null; subject: string; block: boolean };

/** Top bar (heading, navigation, account menu), the current view, toasts and dialogs. */
export function App({ s, onSignOut }: { s: ConsoleState; onSignOut: () => void }) {
  const [pending, setPending] = useState<Pending | null>(null);
  const [changingPassword, setChangingPassword] = useState(false);
  const place = s.router.place.value;
  const def = viewFor(place.view, s.me);
  const unread = s.unreadTotal.value;
  // An unknown or forbidden view is corrected in place (no extra history step).
  useEffect(() => {
    if (def.view !== place.view) s.router.go({ view: def.view, id: null }, true);
  }, [def.view, place.view]);
  // The tab says how many visitor messages wait, also while the agent is in another tab.
  useEffect(() => {
    document.title = `${unread > 0 ? `(${unread}) ` : ''}${def.label ?? 'Your profile'} · Parley`;
  }, [unread, def.label]);
  const { attention } = s;
  const permission = attention.notifications.value;

  return (
    <div class="shell">
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <h1 class="brand">
          <span class="logo" aria-hidden="true">
            P
          </span>
          <span class="brand-name">Parley</span>
          <span class="sr-only"> console: {def.label ?? 'Your profile'}</span>
        </h1>
        <nav aria-label="Console">
          {VIEWS.filter((v) => v.label && mayOpen(v, s.me)).map((v) => (
            <a key={v.view} class="nav" aria-current={def.view === v.view ? 'page' : undefined} {...follow(s, v.view)}>
              {v.label}
              {v.view === 'conversations' && unread > 0 && (
                <span class="badge unread" aria-label={`${unread} unread`}>
                  {unread}
                </span>
              )}
            </a>
          ))}
        </nav>
        <div class="who">
          <span class={`dot${s.connected.value ? ' on' : ''}`} role="img" aria-label={s.connected.value ? 'Connected' : 'Reconnecting'} />
          <details class="account">
            <summary>
              <span class="sr-only">Account menu: </span>
              <Avatar agent={s.profile.value} />
              <span class="who-name">{s.profile.value.name}</span>
              <span class="role">{s.me.agent.role}</span>
            </summary>
            <div class="menu">
              <a class="btn ghost" {...follow(s, 'profile')}>
                Your profile
              </a>
              <button type="button" class="btn ghost" onClick={() => setChangingPassword(true)}>
                Change password
              </button>
              <label class="check-row">
                <input type="checkbox" checked={attention.sound.value} onChange={(e) => attention.setSound(e.currentTarget.checked)} />
                New-message sound
              </label>
              {permission === 'default' && (
                <button type="button" class="btn ghost" onClick={() => void attention.askNotifications()}>
                  Turn on desktop notifications
                </button>
              )}
              {permission === 'granted' && <p class="hint menu-hint">Desktop notifications are on.</p>}
              {permission === 'denied' && <p class="hint menu-hint">Desktop notifications are blocked in this browser's settings.</p>}
              <label class="field theme">
                <span>Theme</span>
                <select value={theme.value} onChange={(e) => setTheme(e.currentTarget.value as Theme)}>
                  <option value="system">Same as the system</option>
                  <option value="light">Light</option>
                  <option value="dark">Dark</option>
                </select>
              </label>
              <button type="button" class="btn ghost" onClick={onSignOut}>
                Sign out
              </button>
            </div>
          </details>
        </div>
      </header>
      <EmailNotice />
      <main id="main" class={def.single ? 'main single' : 'main'}>
        {def.render({
          s,
          id: def.view === place.view ? place.id : null,
          askBlock: (target, block) =>
            setPending(
              target === 'selected'
                ? { contactId: null, subject: `${s.selected.value.size} selected contact${s.selected.value.size === 1 ? '' : 's'}`, block }
                : { ...target, block },
            ),
        })}
      </main>
      <div class="toasts" role="status" aria-live="polite">
        {s.notices.value.map((n) => (
          <div key={n.id} class={`toast ${n.kind}`}>
            <span>{n.text}</span>
            <button type="button" class="btn ghost" aria-label="Dismiss" onClick={() => s.dismiss(n.id)}>
              ×
            </button>
          </div>
        ))}
      </div>
      {changingPassword && <PasswordDialog s={s} onClose={() => setChangingPassword(false)} />}
      {pending && (
        <BlockDialog
          blocking={pending.block}
          subject={pending.subject}
          onClose={() => setPending(null)}
          onConfirm={async (reason) => (pending.contactId ? s.setBlocked(pending.contactId, pending.block, reason) : !!(await s.bulk(pending.block, reason)))}
        />
      )}
    </div>
  );
}
