import { useEffect, useState } from 'preact/hooks';
import type { EmailDeliveryDto } from '../../protocol/agents.js';
import { api } from '../api.js';

/** A small notice while follow-up emails are only written to `.eml` files (no SMTP_URL). */
export function EmailNotice() {
  const [delivery, setDelivery] = useState<EmailDeliveryDto | null>(null);
  useEffect(() => {
    api<EmailDeliveryDto>('GET', '/email-delivery').then(setDelivery, () => {});
  }, []);
  if (delivery?.transport !== 'files') return null;
  return (
    <p class="banner info" role="note">
      Follow-up emails to visitors are not sent: SMTP_URL is not set, so they are written as .eml files
      {delivery.dir ? <> in <code>{delivery.dir}</code></> : ' on the server'}.
    </p>
  );
}
