import { useEffect, useRef, useState } from 'preact/hooks';
import { MAX_REASON_LENGTH } from '../../protocol/agents.js';

export interface BlockDialogProps {
  /** block or unblock */
  blocking: boolean;
  /** Who is concerned, e.g. "Ann Lee" or "3 contacts". */
  subject: string;
  onConfirm: (reason: string | null) => Promise<boolean>;
  onClose: () => void;
}

/**
 * Confirmation with an optional reason, in a native modal <dialog>: the page behind is
 * inert, Escape cancels, focus starts in the reason field and returns to the opener.
 */
export function BlockDialog({ blocking, subject, onConfirm, onClose }: BlockDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    ref.current?.showModal();
    reasonRef.current?.focus();
    return () => opener?.focus?.();
  }, []);

  const verb = blocking ? 'Block' : 'Unblock';
  return (
    <dialog ref={ref} class="dialog" aria-labelledby="bd-title" aria-describedby="bd-desc" onClose={onClose}>
      <form
        method="dialog"
        onSubmit={async (e) => {
          e.preventDefault();
          if (busy) return;
          setBusy(true);
          const ok = await onConfirm(reason.trim() || null);
          setBusy(false);
          if (ok) ref.current?.close();
        }}
      >
        <h2 id="bd-title">
          {verb} {subject}?
        </h2>
        <p id="bd-desc">
          {blocking
            ? 'They can still read their conversation, but they cannot send messages until unblocked. Every open messenger tab is told at once.'
            : 'They will be able to send messages again.'}
        </p>
        <label class="field">
          <span>Reason (optional, kept in the block history)</span>
          <textarea ref={reasonRef} rows={3} maxLength={MAX_REASON_LENGTH} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
        </label>
        <div class="dialog-actions">
          <button type="button" class="btn" onClick={() => ref.current?.close()}>
            Cancel
          </button>
          <button type="submit" class={blocking ? 'btn danger' : 'btn primary'} disabled={busy}>
            {busy ? `${verb}ing…` : verb}
          </button>
        </div>
      </form>
    </dialog>
  );
}
