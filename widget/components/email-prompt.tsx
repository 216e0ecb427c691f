// Lazy chunk: the optional email prompt (loaded only when a visitor is left waiting).
import { useState } from 'preact/hooks';
import type { Messenger } from '../messenger.js';
import type { Lang } from '../i18n.js';
import type { TeamInfo } from '../../protocol/messenger.js';
import { backAt } from '../team-time.js';

const T = {
  en: {
    title: 'Get the reply by email?',
    text: 'We reply here as soon as we can. Leave your email and we send our answer there too, in case you have left. Optional.',
    label: 'Your email',
    submit: 'Notify me',
    no: 'No thanks',
    invalid: 'Please enter an email address like name@example.com.',
    failed: 'That did not work. Please try again.',
    thanks: 'Thanks! If you have left when we reply, we will email you at',
    away: 'We are away right now and back',
  },
  fr: {
    title: 'Recevoir la réponse par email\u00a0?',
    text: 'Nous répondons ici dès que possible. Laissez votre email et nous y enverrons aussi notre réponse, au cas où vous seriez parti. Facultatif.',
    label: 'Votre email',
    submit: 'Me prévenir',
    no: 'Non merci',
    invalid: 'Saisissez une adresse email comme nom@exemple.com.',
    failed: 'Cela n’a pas fonctionné. Réessayez.',
    thanks: 'Merci\u00a0! Si vous êtes parti quand nous répondons, nous vous écrirons à',
    away: 'Nous sommes absents et de retour',
  },
  de: {
    title: 'Antwort per E-Mail erhalten?',
    text: 'Wir antworten hier so schnell wie möglich. Hinterlassen Sie Ihre E-Mail-Adresse, dann senden wir die Antwort auch dorthin, falls Sie nicht mehr da sind. Freiwillig.',
    label: 'Ihre E-Mail-Adresse',
    submit: 'Benachrichtigen',
    no: 'Nein danke',
    invalid: 'Bitte geben Sie eine E-Mail-Adresse wie name@beispiel.de ein.',
    failed: 'Das hat nicht geklappt. Bitte erneut versuchen.',
    thanks: 'Danke! Falls Sie bei unserer Antwort nicht mehr da sind, schreiben wir an',
    away: 'Wir sind gerade nicht da und zurück am',
  },
};

// The server validates for real; this only catches typos before a round trip.
const LOOKS_LIKE_EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const css = `
.ep { margin: 12px 0 4px; padding: 14px; border-radius: 14px; background: var(--bg); border: 1px solid var(--bd); }
.ep p { margin: 0 0 10px; }
.ep strong { display: block; }
.ep form { display: flex; gap: 8px; }
.ep input { flex: 1; min-width: 0; font: inherit; font-size: 16px; color: var(--fg); background: var(--bg); border: 1px solid var(--mut); border-radius: 10px; padding: 7px 10px; }
.ep input:focus-visible { outline: 2px solid var(--a); outline-offset: 1px; }
.ep input[aria-invalid="true"] { border-color: var(--err); }
.ep form button { flex: none; font: inherit; font-weight: 600; border: 0; border-radius: 10px; padding: 0 14px; background: var(--a); color: var(--on-a); cursor: pointer; }
.ep .ep-x { margin-top: 8px; font: inherit; font-size: 12.5px; color: var(--mut); background: none; border: 0; padding: 4px 0; text-decoration: underline; cursor: pointer; }
.ep-err { color: var(--err); font-size: 12.5px; margin: 8px 0 0; }
`;

/** Asks politely for an optional, validated address; thanks once the server has it. */
export function EmailPrompt({ messenger, lang, locale, team, onDismiss }: { messenger: Messenger; lang: Lang; locale?: string; team: TeamInfo | null; onDismiss(): void }) {
  const t = T[lang];
  const [email, setEmail] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState('');
  if (done)
    return (
      <div class="ep" role="status">
        <p>
          {t.thanks} <strong>{done}</strong>
        </p>
      </div>
    );
  return (
    <div class="ep" role="group" aria-labelledby="ep-t">
      <p id="ep-t">
        <strong>{t.title}</strong>
        {team?.back && `${t.away} ${backAt(team.back, locale)}. `}
        {t.text}
      </p>
      <form
        noValidate
        onSubmit={async (e) => {
          e.preventDefault();
          const value = email.trim();
          if (!LOOKS_LIKE_EMAIL.test(value) || value.length > 320) return setError(t.invalid);
          setBusy(true);
          const failed = await messenger.subscribeEmail(value, location.href, locale || navigator.language);
          setBusy(false);
          if (failed) setError(failed === 'invalid_payload' ? t.invalid : t.failed);
          else setDone(value);
        }}
      >
        <input
          id="ep-e"
          type="email"
          autocomplete="email"
          inputMode="email"
          maxLength={320}
          aria-label={t.label}
          placeholder={t.label}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={error ? 'ep-err' : undefined}
          value={email}
          onInput={(e) => {
            setEmail(e.currentTarget.value);
            setError('');
          }}
        />
        <button type="submit" disabled={busy}>
          {t.submit}
        </button>
      </form>
      {error && (
        <p id="ep-err" class="ep-err" role="alert">
          {error}
        </p>
      )}
      <button class="ep-x" type="button" onClick={onDismiss}>
        {t.no}
      </button>
    </div>
  );
}
