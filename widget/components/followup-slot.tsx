import { useEffect, useState } from 'preact/hooks';
import type { Messenger } from '../messenger.js';
import type { Lang } from '../i18n.js';
import type { SafeStorage } from '../storage.js';

type PromptModule = typeof import('./email-prompt.js');

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
  const [mod, setMod] = useState<PromptModule | null>(null);
  const [closed, setClosed] = useState(() => storage.get(DISMISSED) === '1');
  const waiting = !!f && !f.subscribed && !closed && !messenger.blocked.value && !!last && last.author.type !== 'admin' && last.status === 'sent';
  const wait = waiting ? (f!.agentsOnline ? +new Date(last!.createdAt) + f!.promptAfterSeconds * 1000 - Date.now() : 0) : -1;

  useEffect(() => {
    if (wait < 0 || due) return;
    const timer = setTimeout(() => setDue(true), Math.max(0, wait));
    return () => clearTimeout(timer);
  }, [wait < 0, last?.id]);

  // Once shown, the prompt stays (it also thanks) until dismissed.
  useEffect(() => {
    if (!due || mod) return;
    import('./email-prompt.js').then((m) => {
      adopt(m.promptCss);
      setMod(m);
    }, () => setDue(false));
  }, [due]);

  if (!due || !mod || closed) return null;
  return (
    <mod.EmailPrompt
      messenger={messenger}
      lang={lang}
      locale={locale}
      onDismiss={() => {
        storage.set(DISMISSED, '1');
        setClosed(true);
      }}
    />
  );
}
