import type { MessageDto } from '../../protocol/types.js';
import type { Strings } from '../i18n.js';
import { CloseIcon } from '../icons.js';

/** Markdown marks dropped for a one-glance preview. */
const plain = (md: string) => md.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/[*_`>#~]+/g, '').replace(/\s+/g, ' ').trim();

/**
 * The newest agent reply above the closed launcher: opens the panel on click, dismissable.
 * Announced politely (the badge only counts).
 */
export function Preview({ m, t, team, onOpen, onDismiss }: { m: MessageDto | null; t: Strings; team?: string; onOpen(): void; onDismiss(): void }) {
  return (
    <div aria-live="polite">
      {m && (
        <div class="pvb">
          <button type="button" class="pvo" onClick={onOpen}>
            <strong>{m.author.name || team || t.team}</strong>
            <span>{plain(m.body).slice(0, 140)}</span>
          </button>
          <button type="button" class="pvx" aria-label={t.dismiss} title={t.dismiss} onClick={onDismiss}>
            <CloseIcon />
          </button>
        </div>
      )}
    </div>
  );
}
