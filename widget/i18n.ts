// Translations. English is complete; others fall back to English key by key.
// LAUNCHER is separate so the loader only carries its two strings.

export type Lang = 'en' | 'fr' | 'de';

/** Picks a supported language from a BCP 47 tag (`fr-CA` → `fr`). */
export function pickLang(locale?: string): Lang {
  const l = (locale || (typeof navigator !== 'undefined' && navigator.language) || 'en').slice(0, 2).toLowerCase();
  return l === 'fr' || l === 'de' ? l : 'en';
}

/** Launcher labels: [open, close, unread suffix]. */
export const LAUNCHER: Record<Lang, [string, string, string]> = {
  en: ['Open chat', 'Close chat', 'unread'],
  fr: ['Ouvrir la discussion', 'Fermer la discussion', 'non lus'],
  de: ['Chat öffnen', 'Chat schließen', 'ungelesen'],
};

const en = {
  title: 'Chat with us',
  subtitle: 'Ask us anything, we reply right here.',
  greeting: 'Hi there! How can we help you today?',
  team: 'Team',
  close: 'Close chat',
  past: 'Your conversations',
  thread: 'Conversation',
  placeholder: 'Write a message…',
  send: 'Send',
  sending: 'Sending…',
  queued: 'Will send when you are back online',
  sent: 'Sent',
  seen: 'Seen',
  dismiss: 'Dismiss',
  failed: 'Not sent',
  /** Grouped failures: `{n}` is the count. */
  failedOne: 'A message was not sent.',
  failedMany: '{n} messages were not sent.',
  undelivered: 'Not delivered',
  retry: 'Retry',
  typing: 'is typing…',
  someone: 'Someone',
  offline: 'Reconnecting… Messages you write will be sent once you are back online.',
  tooLong: 'characters too many',
  blockedSubtitle: 'Messaging is off',
  rate_limited: 'You are sending too fast. Wait a moment and retry.',
  message_too_long: 'The message is too long.',
  timeout: 'The server did not answer.',
  error: 'Something went wrong.',
};
export type Strings = typeof en;

const fr: Partial<Strings> = {
  title: 'Écrivez-nous',
  subtitle: 'Posez-nous vos questions, nous répondons ici.',
  greeting: 'Bonjour\u00a0! Comment pouvons-nous vous aider\u00a0?',
  team: 'Équipe',
  close: 'Fermer la discussion',
  past: 'Vos conversations',
  thread: 'Conversation',
  placeholder: 'Écrivez un message…',
  send: 'Envoyer',
  sending: 'Envoi…',
  queued: 'Sera envoyé dès votre retour en ligne',
  sent: 'Envoyé',
  seen: 'Vu',
  dismiss: 'Masquer',
  failed: 'Non envoyé',
  failedOne: 'Un message n’a pas été envoyé.',
  failedMany: '{n} messages n’ont pas été envoyés.',
  undelivered: 'Non remis',
  retry: 'Réessayer',
  typing: 'écrit…',
  someone: 'Quelqu’un',
  offline: 'Reconnexion… Vos messages seront envoyés dès le retour de la connexion.',
  tooLong: 'caractères en trop',
  blockedSubtitle: 'Messagerie désactivée',
  rate_limited: 'Vous envoyez trop vite. Patientez un instant puis réessayez.',
  message_too_long: 'Le message est trop long.',
  timeout: 'Le serveur n’a pas répondu.',
  error: 'Une erreur est survenue.',
};

const de: Partial<Strings> = {
  title: 'Schreiben Sie uns',
  subtitle: 'Fragen Sie uns, wir antworten direkt hier.',
  greeting: 'Hallo! Wie können wir helfen?',
  team: 'Team',
  close: 'Chat schließen',
  past: 'Ihre Unterhaltungen',
  thread: 'Unterhaltung',
  placeholder: 'Nachricht schreiben…',
  send: 'Senden',
  sending: 'Wird gesendet…',
  queued: 'Wird gesendet, sobald Sie wieder online sind',
  sent: 'Gesendet',
  seen: 'Gesehen',
  dismiss: 'Ausblenden',
  failed: 'Nicht gesendet',
  failedOne: 'Eine Nachricht wurde nicht gesendet.',
  failedMany: '{n} Nachrichten wurden nicht gesendet.',
  undelivered: 'Nicht zugestellt',
  retry: 'Erneut senden',
  typing: 'schreibt…',
  someone: 'Jemand',
  offline: 'Verbindung wird wiederhergestellt… Ihre Nachrichten werden danach gesendet.',
  tooLong: 'Zeichen zu viel',
  blockedSubtitle: 'Nachrichten deaktiviert',
  rate_limited: 'Sie senden zu schnell. Bitte kurz warten und erneut senden.',
  message_too_long: 'Die Nachricht ist zu lang.',
  timeout: 'Der Server hat nicht geantwortet.',
  error: 'Etwas ist schiefgelaufen.',
};

/** All strings for one language. */
export function strings(lang: Lang): Strings {
  return { ...en, ...(lang === 'fr' ? fr : lang === 'de' ? de : {}) };
}

const formats = new Map<string, Intl.DateTimeFormat>();
const SHAPES: Intl.DateTimeFormatOptions[] = [
  { hour: '2-digit', minute: '2-digit' },
  { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' },
  { weekday: 'long', day: 'numeric', month: 'long' },
];
/** One cached formatter per locale and shape (time, date and time, day); an invalid tag falls back to the browser's locale. */
function dtf(locale: string | undefined, shape: number): Intl.DateTimeFormat {
  const key = `${locale}|${shape}`;
  let f = formats.get(key);
  if (!f) {
    const o = SHAPES[shape];
    try {
      f = new Intl.DateTimeFormat(locale, o);
    } catch {
      f = new Intl.DateTimeFormat(undefined, o);
    }
    formats.set(key, f);
  }
  return f;
}

/**
 * "09:05" today, "12 Mar, 09:05" otherwise, in the visitor's locale (the `locale` boot option,
 * else the browser's): the same Intl shape the console uses, so both show the same clock.
 */
export function formatTime(iso: string, locale?: string, now = new Date()): string {
  const d = new Date(iso);
  if (isNaN(+d)) return '';
  return dtf(locale, d.toDateString() !== now.toDateString() ? 1 : 0).format(d);
}

/** "Thursday 12 March": the date separator above a day's first message. */
export const formatDay = (iso: string, locale?: string) => dtf(locale, 2).format(new Date(iso));
