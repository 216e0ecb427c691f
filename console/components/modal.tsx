import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

export interface ModalProps {
  id: string;
  title: string;
  /** Submit button label; null shows none (only the close button). */
  submit: string | null;
  /** Resolves true to close the dialog. */
  onSubmit?: () => Promise<boolean>;
  onClose: () => void;
  danger?: boolean;
  close?: string;
  children: ComponentChildren;
}

/**
 * A native modal <dialog> with a form: the page behind is inert, Escape closes, focus goes to
 * the first field and returns to the opener afterwards (like BlockDialog).
 */
export function Modal({ id, title, submit, onSubmit, onClose, danger, close = 'Cancel', children }: ModalProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    ref.current?.showModal();
    return () => opener?.focus?.();
  }, []);
  return (
    <dialog ref={ref} class="dialog" aria-labelledby={`${id}-title`} onClose={onClose}>
      <form
        method="dialog"
        onSubmit={async (e) => {
          e.preventDefault();
          if (busy || !onSubmit) return;
          setBusy(true);
          const ok = await onSubmit();
          setBusy(false);
          if (ok) ref.current?.close();
        }}
      >
        <h2 id={`${id}-title`}>{title}</h2>
        {children}
        <div class="dialog-actions">
          <button type="button" class="btn" onClick={() => ref.current?.close()}>
            {close}
          </button>
          {submit && (
            <button type="submit" class={danger ? 'btn danger' : 'btn primary'} disabled={busy}>
              {submit}
            </button>
          )}
        </div>
      </form>
    </dialog>
  );
}
