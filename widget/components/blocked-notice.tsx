// Lazy chunk: the notice that replaces the composer while the contact is blocked (rare, so
// its words and styles stay out of what every page loads).
import type { Lang } from '../i18n.js';
import type { Markdown } from '../markdown.js';

const T = {
  en: ['Messaging is turned off', 'You can no longer send messages in this conversation. Your earlier messages stay here for reference.'],
  fr: ['La messagerie est désactivée', 'Vous ne pouvez plus envoyer de messages dans cette conversation. Vos messages précédents restent consultables ici.'],
  de: ['Nachrichten sind deaktiviert', 'Sie können in dieser Unterhaltung keine Nachrichten mehr senden. Ihre bisherigen Nachrichten bleiben hier lesbar.'],
};

export const css = `
.bn { display: flex; gap: 12px; padding: 16px 20px 18px; border-top: 1px solid var(--bd); background: var(--bg); color: var(--mut); font-size: 13.5px; }
.bn > svg { flex: none; width: 32px; height: 32px; padding: 6px; border-radius: 50%; background: var(--bg2); color: var(--fg); fill: none; stroke: currentColor; stroke-width: 2; stroke-linecap: round; stroke-linejoin: round; }
.bn strong { display: block; color: var(--fg); font-weight: 600; margin-bottom: 2px; }
.bn p { margin: 0; }
.bn-c { margin-top: 8px; color: var(--fg); }
.bn-c p { margin: 0; }
.bn-c a { color: inherit; text-decoration: underline; }
`;

/**
 * Icon, title, the business's text (or ours) and its optional other way to reach it. The app
 * chunk passes its Markdown in, so importing it here does not split it into a chunk of its own.
 */
export function BlockedNotice({ lang, text, contact, md: Md }: { lang: Lang; text?: string; contact?: string; md: typeof Markdown }) {
  const [title, body] = T[lang];
  return (
    <div class="bn">
      {/* A speech bubble with a pause sign: messaging is off. */}
      <svg viewBox="0 0 24 24" aria-hidden="true">
        <path d="M21 12a8 8 0 0 1-11.6 7.1L4 20.5l1.4-4.9A8 8 0 1 1 21 12zM10 9v6M14 9v6" />
      </svg>
      <div>
        <strong>{title}</strong>
        <p>{text || body}</p>
        {contact && (
          <div class="bn-c">
            <Md source={contact} />
          </div>
        )}
      </div>
    </div>
  );
}
