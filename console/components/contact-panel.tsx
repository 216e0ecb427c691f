import type { ContactDetail, VisitorContextDto } from '../../protocol/agents.js';
import { displayName, EMPTY, fullTime } from '../format.js';
import { ReverseBlock } from './protection/reverse-block.js';

export interface ContactPanelProps {
  detail: ContactDetail;
  canBlock: boolean;
  onBlock: (block: boolean) => void;
  /** Unblocks at once (reversing a rule's block), with the reason recorded. */
  onUnblock: (reason: string) => void;
  /** Below 1100 px the panel replaces the conversation: this goes back to it. */
  onBack?: () => void;
  /** The page the visitor's open messenger is on (the conversation's panel only). */
  visitor?: VisitorContextDto | null;
}

/** "14:05 (Europe/Paris)": now, where the visitor is; the zone alone if the browser does not know it. */
function localTime(timeZone: string): string {
  try {
    return `${new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit', timeZone }).format(new Date())} (${timeZone})`;
  } catch {
    return timeZone || EMPTY;
  }
}

/** Where the visitor is now, while their messenger is open. */
function VisitorFacts({ v }: { v: VisitorContextDto }) {
  return (
    <>
      <h3>Visitor now</h3>
      <dl class="facts visitor-facts">
        <dt>Page</dt>
        <dd>
          {/* Only web addresses become links (a page could report javascript: or data:). */}
          {/^https?:\/\//i.test(v.url) ? (
            <a href={v.url} target="_blank" rel="noopener noreferrer nofollow">
              {v.title || v.url}
            </a>
          ) : (
            v.title || v.url
          )}
        </dd>
        <dt>Referrer</dt>
        <dd>{v.referrer || EMPTY}</dd>
        <dt>Browser</dt>
        <dd>
          {v.browser} on {v.os}
        </dd>
        <dt>Language</dt>
        <dd>{v.language || EMPTY}</dd>
        <dt>Local time</dt>
        <dd>{localTime(v.timeZone)}</dd>
      </dl>
    </>
  );
}

/** Who the visitor is, their block state and the whole block history (who, when, why). */
export function ContactPanel({ detail, canBlock, onBlock, onUnblock, onBack, visitor }: ContactPanelProps) {
  const c = detail.contact;
  return (
    <aside class="panel" aria-labelledby="cp-title">
      {onBack && (
        <button type="button" class="btn ghost back" onClick={onBack}>
          <span aria-hidden="true">←</span> Back to the conversation
        </button>
      )}
      <div class="panel-head">
        <h2 id="cp-title">{displayName(c)}</h2>
        {c.blocked && <span class="badge blocked">Blocked</span>}
      </div>
      <dl class="facts">
        <dt>Type</dt>
        <dd>{c.type === 'customer' ? 'Customer' : 'Lead'}</dd>
        <dt>Email</dt>
        <dd>{c.email ?? EMPTY}</dd>
        <dt>User ID</dt>
        <dd class="mono">{c.userId ?? EMPTY}</dd>
        <dt>Last activity</dt>
        <dd>{fullTime(c.lastActivity)}</dd>
        <dt>First seen</dt>
        <dd>{fullTime(c.createdAt)}</dd>
        <dt>Contact ID</dt>
        <dd class="mono">{c.id}</dd>
      </dl>
      {visitor && <VisitorFacts v={visitor} />}
      {canBlock ? (
        <button type="button" class={c.blocked ? 'btn block-btn' : 'btn danger-outline block-btn'} onClick={() => onBlock(!c.blocked)}>
          {c.blocked ? 'Unblock contact' : 'Block contact'}
        </button>
      ) : (
        <p class="hint">Your role cannot block contacts.</p>
      )}
      {detail.sharedDevice?.length ? (
        <>
          <h3>Same device</h3>
          <p class="hint">Also seen on a device this contact used (a shared computer, or another identity).</p>
          <ul class="shared-device" aria-label="Contacts on the same device">
            {detail.sharedDevice.map((o) => (
              <li key={o.id}>
                {displayName(o)} <span class="hint">({o.type === 'customer' ? 'customer' : 'lead'})</span>
                {o.blocked && <span class="badge blocked">Blocked</span>}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <h3>Block history</h3>
      {detail.blockHistory.length === 0 ? (
        <p class="hint">Never blocked.</p>
      ) : (
        <ol class="history" aria-label="Block history">
          {detail.blockHistory
            .slice()
            .reverse()
            .map((e) => (
              <li key={e.id} class={e.action}>
                <strong>{e.action === 'block' ? 'Blocked' : 'Unblocked'}</strong> by {e.actorName ?? (e.actorType === 'system' ? 'the system' : 'an agent')}
                <time dateTime={e.createdAt}>{fullTime(e.createdAt)}</time>
                {e.reason ? <q>{e.reason}</q> : <span class="hint">No reason given</span>}
                {canBlock && <ReverseBlock event={e} inForce={c.blocked && e === detail.blockHistory[detail.blockHistory.length - 1]} onUnblock={onUnblock} />}
              </li>
            ))}
        </ol>
      )}
    </aside>
  );
}
