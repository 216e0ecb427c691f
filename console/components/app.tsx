import { useState } from 'preact/hooks';
import { displayName } from '../format.js';
import type { ConsoleState } from '../state.js';
import { BlockDialog } from './block-dialog.js';
import { ContactPanel } from './contact-panel.js';
import { Contacts } from './contacts.js';
import { ConversationView } from './conversation.js';
import { Inbox } from './inbox.js';
import { PasswordDialog } from './password-dialog.js';
import { Team } from './team.js';
import { EmailNotice } from './email-notice.js';

type Pending = { kind: 'one'; contactId: string; subject: string; block: boolean } | { kind: 'bulk'; subject: string; block: boolean };

/** Top bar, then inbox | conversation | contact panel, or the contacts table. */
export function App({ s, onSignOut }: { s: ConsoleState; onSignOut: () => void }) {
  const [pending, setPending] = useState<Pending | null>(null);
  const [changingPassword, setChangingPassword] = useState(false);
  const cur = s.current.value;
  const view = s.view.value;
  const unread = s.unreadTotal.value;

  const askBlock = (block: boolean) => {
    if (!cur) return;
    setPending({ kind: 'one', contactId: cur.detail.contact.id, subject: displayName(cur.detail.contact), block });
  };

  return (
    <div class="shell">
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <div class="brand">
          <span class="logo" aria-hidden="true">
            P
          </span>
          Parley
        </div>
        <nav aria-label="Console">
          <button type="button" class="nav" aria-current={view === 'inbox' ? 'page' : undefined} onClick={() => (s.view.value = 'inbox')}>
            Inbox{unread > 0 && <span class="badge unread" aria-label={`${unread} unread`}>{unread}</span>}
          </button>
          <button type="button" class="nav" aria-current={view === 'contacts' ? 'page' : undefined} onClick={() => (s.view.value = 'contacts')}>
            Contacts
          </button>
          {s.me.agent.role === 'admin' && (
            <button type="button" class="nav" aria-current={view === 'team' ? 'page' : undefined} onClick={() => (s.view.value = 'team')}>
              Team
            </button>
          )}
        </nav>
        <div class="who">
          <span class={`dot${s.connected.value ? ' on' : ''}`} role="img" aria-label={s.connected.value ? 'Connected' : 'Reconnecting'} />
          <span>
            {s.me.agent.name} <span class="role">{s.me.agent.role}</span>
          </span>
          <button type="button" class="btn ghost" onClick={() => setChangingPassword(true)}>
            Change password
          </button>
          <button type="button" class="btn ghost" onClick={onSignOut}>
            Sign out
          </button>
        </div>
      </header>
      <EmailNotice />
      <main id="main" class={view === 'inbox' ? 'workspace' : 'workspace single'}>
        {view === 'inbox' ? (
          <>
            <Inbox s={s} />
            {cur ? (
              <>
                <ConversationView s={s} c={cur} onBlock={askBlock} />
                <ContactPanel detail={cur.detail} canBlock={s.me.canBlock} onBlock={askBlock} />
              </>
            ) : (
              <section class="placeholder" aria-label="No conversation selected">
                <p>Select a conversation to read and reply.</p>
              </section>
            )}
          </>
        ) : view === 'team' ? (
          <Team s={s} />
        ) : (
          <Contacts s={s} onBulk={(block) => setPending({ kind: 'bulk', subject: `${s.selected.value.size} selected contact${s.selected.value.size === 1 ? '' : 's'}`, block })} />
        )}
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
          onConfirm={async (reason) =>
            pending.kind === 'one' ? s.setBlocked(pending.contactId, pending.block, reason) : !!(await s.bulk(pending.block, reason))
          }
        />
      )}
    </div>
  );
}
