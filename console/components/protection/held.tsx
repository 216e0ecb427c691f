import { useEffect, useState } from 'preact/hooks';
import type { HeldMessageDto, ListDto } from '../../../protocol/protection.js';
import { api } from '../../api.js';
import { displayName, fullTime, shortTime } from '../../format.js';
import type { ConsoleState } from '../../state.js';

const authorName = (h: HeldMessageDto) => displayName({ id: h.contactId, name: h.author.name ?? null, email: null });

/**
 * Messages a protection rule held: in no inbox until someone releases one (it then arrives in
 * the inbox, live, as the contact sent it) or discards it. New holds appear while shown.
 */
export function HeldView({ s }: { s: ConsoleState }) {
  const [items, setItems] = useState<HeldMessageDto[] | null>(null);
  const [busy, setBusy] = useState<ReadonlySet<string>>(new Set());

  useEffect(() => {
    const onNew = ({ held }: { held: HeldMessageDto }) => setItems((list) => (list?.some((h) => h.id === held.id) ? list : [held, ...(list ?? [])]));
    const onRemoved = ({ heldId }: { heldId: string }) => setItems((list) => list && list.filter((h) => h.id !== heldId));
    s.socket.on('held:new', onNew);
    s.socket.on('held:removed', onRemoved);
    api<ListDto<HeldMessageDto>>('GET', '/protection/held?limit=100').then(
      // Holds pushed while the page loaded stay on top.
      (r) => setItems((live) => [...(live ?? []).filter((h) => !r.data.some((d) => d.id === h.id)), ...r.data]),
      (e: Error) => s.notify(e.message),
    );
    return () => {
      s.socket.off('held:new', onNew);
      s.socket.off('held:removed', onRemoved);
    };
  }, []);

  async function review(h: HeldMessageDto, release: boolean) {
    setBusy((b) => new Set(b).add(h.id));
    try {
      await (release ? api('POST', `/protection/held/${h.id}/release`) : api('DELETE', `/protection/held/${h.id}`));
      setItems((list) => list && list.filter((x) => x.id !== h.id));
      s.notify(release ? `Released: ${authorName(h)}'s message is in the inbox.` : 'Held message discarded.', 'info');
    } catch (err) {
      s.notify((err as Error).message);
    } finally {
      setBusy((b) => new Set([...b].filter((id) => id !== h.id)));
    }
  }

  return (
    <section class="contacts protection" aria-labelledby="held-title">
      <div class="contacts-head">
        <h2 id="held-title">Held messages</h2>
        {items && <span class="hint">{items.length === 1 ? '1 message' : `${items.length} messages`}</span>}
      </div>
      <p class="hint protection-intro">
        Protection rules held these messages: no agent saw them and the visitor was not told. Release one to deliver it to the inbox as sent, or discard it.
      </p>
      {items === null ? (
        <p class="empty">Loading…</p>
      ) : items.length === 0 ? (
        <p class="empty">Nothing is held.</p>
      ) : (
        <ul class="held-list" aria-label="Held messages">
          {items.map((h) => (
            <li key={h.id} class="held-item">
              <div class="held-top">
                <strong>{authorName(h)}</strong>
                <span class="badge">{h.author.type === 'customer' ? 'Customer' : 'Lead'}</span>
                <time dateTime={h.createdAt} title={fullTime(h.createdAt)}>
                  {shortTime(h.createdAt)}
                </time>
              </div>
              <p class="held-body">{h.bodyMarkdown}</p>
              <div class="held-foot">
                <span class="hint">
                  Held by rule <q>{h.rule.name}</q>
                </span>
                <div class="row-actions">
                  <button type="button" class="btn primary" disabled={busy.has(h.id)} aria-label={`Release message from ${authorName(h)}`} onClick={() => void review(h, true)}>
                    Release
                  </button>
                  <button type="button" class="btn danger-outline" disabled={busy.has(h.id)} aria-label={`Discard message from ${authorName(h)}`} onClick={() => void review(h, false)}>
                    Discard
                  </button>
                </div>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
