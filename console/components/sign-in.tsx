import type { MeDto } from '../../protocol/agents.js';
import { AuthCard } from './auth-card.js';

/** Email + password; the server answers with a session cookie (httpOnly) and who we are. */
export function SignIn({ onSignedIn }: { onSignedIn: (me: MeDto) => void }) {
  return (
    <AuthCard
      title="Sign in to Parley"
      submit={async (form) => {
        try {
          const res = await fetch('/console/api/session', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ email: form.get('email'), password: form.get('password') }),
          });
          const body = await res.json();
          if (!res.ok) return body.message ?? 'Sign-in failed.';
          onSignedIn(body as MeDto);
          return null;
        } catch {
          return 'The server cannot be reached.';
        }
      }}
    >
      {({ busy, error }) => {
        const invalid = error ? true : undefined;
        return (
          <>
            <p class="hint">The agents' console: answer visitors, block abuse.</p>
            <label class="field">
              <span>Email</span>
              <input name="email" type="email" autoComplete="username" required autoFocus aria-invalid={invalid} aria-describedby={invalid ? 'signin-error' : undefined} />
            </label>
            <label class="field">
              <span>Password</span>
              <input name="password" type="password" autoComplete="current-password" required aria-invalid={invalid} aria-describedby={invalid ? 'signin-error' : undefined} />
            </label>
            {/* The line is always there, so an error does not move the card. */}
            <p id="signin-error" class="err signin-err" role="alert">
              {error}
            </p>
            <button type="submit" class="btn primary wide" disabled={busy}>
              {busy ? 'Signing in…' : 'Sign in'}
            </button>
          </>
        );
      }}
    </AuthCard>
  );
}
