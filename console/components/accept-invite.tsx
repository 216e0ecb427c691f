import { useEffect, useState } from 'preact/hooks';
import { MAX_AGENT_NAME_LENGTH, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, type MeDto } from '../../protocol/agents.js';
import { api } from '../api.js';
import { AuthCard } from './auth-card.js';

/**
 * `/console/invite#<token>`: the invitee chooses their name and password; the server spends
 * the link and signs them in. A used, expired or withdrawn link shows the server's reason.
 * The token stays in the fragment (never in a request line) and only goes out in the bodies.
 */
export function AcceptInvite({ onSignedIn }: { onSignedIn: (me: MeDto) => void }) {
  const token = location.hash.slice(1);
  const [who, setWho] = useState<{ email: string; name: string } | null>(null);
  const [dead, setDead] = useState<string | null>(null);

  useEffect(() => {
    api<{ email: string; name: string }>('POST', '/invite/check', { token }).then(setWho, (e: Error) => setDead(e.message));
  }, []);

  return (
    <AuthCard
      title="Join the team on Parley"
      busy={!who && !dead}
      submit={async (form) => {
        try {
          const me = await api<MeDto>('POST', '/invite/accept', { token, name: form.get('name'), password: form.get('password') });
          // The console's own address: a reload must not show a spent link.
          history.replaceState(null, '', '/console');
          onSignedIn(me);
          return null;
        } catch (err) {
          return (err as Error).message;
        }
      }}
    >
      {({ busy, error }) =>
        dead ? (
          <>
            <p class="err" role="alert">
              {dead}
            </p>
            <a class="btn wide" href="/console">
              Go to sign-in
            </a>
          </>
        ) : (
          who && (
            <>
              <p class="hint">Choose how visitors see you and your password for {who.email}.</p>
              <label class="field">
                <span>Your name</span>
                <input name="name" required maxLength={MAX_AGENT_NAME_LENGTH} defaultValue={who.name} autoComplete="name" />
              </label>
              <label class="field">
                <span>Password (at least {MIN_PASSWORD_LENGTH} characters)</span>
                <input name="password" type="password" required autoComplete="new-password" minLength={MIN_PASSWORD_LENGTH} maxLength={MAX_PASSWORD_LENGTH}
                  aria-invalid={error ? true : undefined} aria-describedby={error ? 'invite-error' : undefined} />
              </label>
              <p id="invite-error" class="err signin-err" role="alert">
                {error}
              </p>
              <button type="submit" class="btn primary wide" disabled={busy}>
                {busy ? 'Joining…' : 'Join and sign in'}
              </button>
            </>
          )
        )
      }
    </AuthCard>
  );
}
