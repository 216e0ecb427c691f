import { useEffect, useState } from 'preact/hooks';
import { displayName } from '../format.js';
import { ContactPanel } from './contact-panel.js';
import { ConversationView } from './conversation.js';
import { Inbox } from './inbox.js';
import type { ViewProps } from './views.js';

/**
 * Inbox | conversation | contact panel. On a wide screen all three show; narrower, the panel
 * takes the conversation's place when asked for; on a phone one pane shows at a time, each
 * with a way back (the CSS picks by `data-pane`).
 */
export function Workspace({ s, id, askBlock }: ViewProps) {
  const [details, setDetails] = useState(false);
  const [failed, setFailed] = useState(false);
  const cur = s.current.value;
  useEffect(() => {
    setDetails(false);
    setFailed(false);
    if (!id) s.current.value = null;
    else if (s.current.value?.conversation.id !== id) void s.open(id).then((ok) => setFailed(!ok));
  }, [id]);
  const shown = cur && cur.conversation.id === id ? cur : null;
  const pane = !id ? 'list' : details ? 'details' : 'conversation';
  const block = (b: boolean) => shown && askBlock({ contactId: shown.detail.contact.id, subject: displayName(shown.detail.contact) }, b);
  return (
    <div class="workspace" data-pane={pane}>
      <Inbox s={s} />
      {shown ? (
        <>
          <ConversationView s={s} c={shown} onBlock={block} onBack={() => s.router.go({ view: 'conversations', id: null })} onDetails={() => setDetails(true)} />
          <ContactPanel detail={shown.detail} canBlock={s.me.canBlock} onBlock={block} onUnblock={(reason) => void s.setBlocked(shown.detail.contact.id, false, reason)} onBack={() => setDetails(false)} visitor={shown.visitor} />
        </>
      ) : (
        <section class="placeholder" aria-label="No conversation selected">
          <p>{!id ? 'Select a conversation to read and reply.' : failed ? 'This conversation cannot be opened.' : 'Loading the conversation…'}</p>
        </section>
      )}
    </div>
  );
}
