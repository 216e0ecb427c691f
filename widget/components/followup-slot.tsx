import { useEffect, useState } from 'preact/hooks';
import { useLazy } from '../lazy.js';
import type { Messenger } from '../messenger.js';
import type { Lang } from '../i18n.js';
import type { SafeStorage } from '../storage.js';

const DISMISSED = 'followup-dismissed';

/**
 * Where the email prompt appears: once the visitor's last message has waited the server's
 * `promptAfterSeconds` for an agent (at once when no agent is online), unless an address is on
 * file or the visitor said no. The prompt itself is a lazy chunk: most visitors never load it.
 */
export function FollowupSlot({ messenger, lang, locale, storage, adopt }: { messenger: Messenger; lang: Lang; locale?: string; storage: SafeStorage; adopt(css: string): void }) {
  const f = messenger.followup.value;
  const list = messenger.items.value;
  const last = list[list.length - 1];
  const [due, setDue] = useState(false);
  const [closed, setClosed] = useState(() => storage.get(DISMISSED) === '1');
  const team = messenger.team.value;
  const waiting = !!f && !f.subscribed && !closed && !messenger.blocked.value && !!last && last.author.type !== 'admin' && last.status === 'sent';
  // Outside office hours or with nobody online: ask at once.
  const wait = waiting ? (f!.agentsOnline && team?.open !== false ? +new Date(last!.createdAt) + f!.promptAfterSeconds * 1000 - Date.now() : 0) : -1;

  useEffect(() => {
    if (wait < 0 || due) return;
    const timer = setTimeout(() => setDue(true), Math.max(0, wait));
    return () => clearTimeout(timer);
  }, [wait < 0, last?.id]);

  // Once shown, the prompt stays (it also thanks) until dismissed.
  const mod = useLazy(due, () => import('./email-prompt.js'), adopt);

  if (!due || !mod || closed) return null;
  return (
    <mod.EmailPrompt
      messenger={messenger}
      lang={lang}
      locale={locale}
      team={team}
      onDismiss={() => {
        storage.set(DISMISSED, '1');
        setClosed(true);
      }}
    />
  );
}
