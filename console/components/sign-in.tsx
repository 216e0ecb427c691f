import { useState } from 'preact/hooks';
import type { MeDto } from '../../protocol/agents.js';

/** Email + password; the server answers with a session cookie (httpOnly) and who we are. */
export function SignIn({ onSignedIn }: { onSignedIn: (me: MeDto) => void }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const invalid = error ? true : undefined;
  return (
    <main class="signin">
      <form
        class="signin-card"
        aria-labelledby="signin-title"
        onSubmit={async (e) => {
          e.preventDefault();
          const form = new FormData(e.currentTarget);
          setBusy(true);
          setError(null);
          try {
            const res = await fetch('/console/api/session', {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ email: form.get('email'), password: form.get('password') }),
            });
            const body = await res.json();
            if (res.ok) onSignedIn(body as MeDto);
            else setError(body.message ?? 'Sign-in failed.');
          } catch {
            setError('The server cannot be reached.');
          } finally {
            setBusy(false);
          }
        }}
      >
        <div class="logo" aria-hidden="true">
          P
        </div>
        <h1 id="signin-title">Sign in to Parley</h1>
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
      </form>
    </main>
  );
}
