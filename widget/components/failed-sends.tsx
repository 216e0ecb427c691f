import type { Messenger } from '../messenger.js';
import type { Strings } from '../i18n.js';

/**
 * One alert for every message that did not go out, with the latest reason and one Retry for
 * all of them (a burst of rate-limited sends used to raise one alert per bubble).
 */
export function FailedSends({ messenger, t }: { messenger: Messenger; t: Strings }) {
  if (messenger.blocked.value) return null;
  const failed = messenger.items.value.filter((x) => !x.id && (x.status === 'failed' || x.status === 'undelivered'));
  if (!failed.length) return null;
  const r = failed[failed.length - 1].reason;
  const reason = r === 'timeout' || r === 'rate_limited' || r === 'message_too_long' ? t[r] : r === 'contact_blocked' ? '' : t.error;
  return (
    <div class="fs" role="alert">
      <span>
        {(failed.length === 1 ? t.failedOne : t.failedMany.replace('{n}', String(failed.length))) + (reason && ' ' + reason)}
      </span>
      <button type="button" onClick={() => failed.forEach((x) => messenger.retry(x.clientId!))}>
        {t.retry}
      </button>
    </div>
  );
}
