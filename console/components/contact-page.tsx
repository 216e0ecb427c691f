import { useEffect, useState } from 'preact/hooks';
import { displayName } from '../format.js';
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
        <div class="card contact-card">
          <ContactPanel detail={detail} canBlock={s.me.canBlock} onBlock={(b) => askBlock({ contactId: id, subject: displayName(detail.contact) }, b)} />
        </div>
      ) : (
        <p class="empty">{failed ? 'This contact cannot be found.' : 'Loading…'}</p>
      )}
    </section>
  );
}
