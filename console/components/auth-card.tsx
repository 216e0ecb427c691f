import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';

/**
 * The signed-out card (sign-in, joining by invitation): a form whose submit answers an error
 * to show, or null when it went through. `children` render the fields with the busy/error state.
 */
export function AuthCard({ title, submit, busy: waiting, children }: {
  title: string;
  submit: (form: FormData) => Promise<string | null>;
  /** Still loading what the card needs. */
  busy?: boolean;
  children: (state: { busy: boolean; error: string | null }) => ComponentChildren;
}) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <main class="signin">
      <form
        class="signin-card"
        aria-labelledby="card-title"
        aria-busy={waiting || undefined}
        onSubmit={async (e) => {
          e.preventDefault();
          const form = new FormData(e.currentTarget);
          setBusy(true);
          setError(null);
          try {
            setError(await submit(form));
          } finally {
            setBusy(false);
          }
        }}
      >
        <div class="logo" aria-hidden="true">
          P
        </div>
        <h1 id="card-title">{title}</h1>
        {children({ busy, error })}
      </form>
    </main>
  );
}
