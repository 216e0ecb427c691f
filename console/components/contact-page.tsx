import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { displayName, EMPTY, shortTime } from '../format.js';
import { follow } from './link.js';
import { ContactPanel } from './contact-panel.js';
import type { ViewProps } from './views.js';

/** `/console/contacts/<id>`: one contact, its facts and block history, live. */
export function ContactPage({ s, id, askBlock }: ViewProps & { id: string }) {
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    setFailed(false);
    void s.loadContact(id).then((ok) => setFailed(!ok));
  }, [id]);
  const detail = s.contactPage.value?.contact.id === id ? s.contactPage.value : null;
  return (
    <section class="page" aria-label={detail ? `Contact ${displayName(detail.contact)}` : 'Contact'}>
      <a class="btn ghost back-link" {...follow(s, 'contacts')}>
        <span aria-hidden="true">←</span> All contacts
      </a>
      {detail ? (
        <div class="contact-layout">
          <div class="card contact-card">
            <ContactPanel detail={detail} canBlock={s.me.canBlock} onBlock={(b) => askBlock({ contactId: id, subject: displayName(detail.contact) }, b)} onUnblock={(reason) => void s.setBlocked(id, false, reason)} />
          </div>
          <div class="contact-side">
            <section class="card" aria-labelledby="cc-title">
              <h3 id="cc-title">Conversations</h3>
              {detail.conversations?.length ? (
                <ul class="contact-convs">
                  {detail.conversations.map((c) => (
                    <li key={c.id}>
                      <a {...follow(s, 'conversations', c.id)}>Conversation #{c.id}</a>
                      <span class={`state ${c.state}`}>{c.state === 'closed' ? 'Closed' : c.state === 'snoozed' ? 'Snoozed' : 'Open'}</span>
                      <time dateTime={c.lastActivityAt}>{shortTime(c.lastActivityAt)}</time>
                    </li>
                  ))}
                </ul>
              ) : (
                <p class="hint">No conversations yet.</p>
              )}
            </section>
            <section class="card" aria-labelledby="ca-title">
              <h3 id="ca-title">Attributes</h3>
              <dl class="facts">
                <dt>Language</dt>
                <dd>{detail.locale ?? EMPTY}</dd>
                {Object.entries(detail.attributes ?? {}).map(([k, v]) => (
                  <Fragment key={k}>
                    <dt>{k}</dt>
                    <dd>{v === null || v === '' ? EMPTY : typeof v === 'object' ? JSON.stringify(v) : String(v)}</dd>
                  </Fragment>
                ))}
              </dl>
            </section>
          </div>
        </div>
      ) : (
        <p class="empty">{failed ? 'This contact cannot be found.' : 'Loading…'}</p>
      )}
    </section>
  );
}
