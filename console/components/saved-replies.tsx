import { useState } from 'preact/hooks';
import { MAX_SAVED_REPLY_TITLE, type SavedReplyDto } from '../../protocol/agents.js';
import { MAX_BODY_LENGTH } from '../../protocol/limits.js';
import { api } from '../api.js';
import type { ConsoleState } from '../state.js';

/** The team's library: every agent adds; the author or an admin edits and deletes. Typed with / in the composer. */
export function SavedReplies({ s }: { s: ConsoleState }) {
  const [editing, setEditing] = useState<SavedReplyDto | null>(null);
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [busy, setBusy] = useState(false);
  const mayChange = (r: SavedReplyDto) => s.me.agent.role === 'admin' || r.createdBy === s.me.agent.id;
  const reset = () => {
    setEditing(null);
    setTitle('');
    setBody('');
  };
  async function run(action: () => Promise<unknown>, done: string) {
    setBusy(true);
    try {
      await action();
      await s.loadSavedReplies();
      s.notify(done, 'info');
      return true;
    } catch (err) {
      s.notify((err as Error).message);
      return false;
    } finally {
      setBusy(false);
    }
  }
  return (
    <section class="page" aria-labelledby="replies-title">
      <div class="page-head">
        <h2 id="replies-title">Saved replies</h2>
        <span class="hint">Type / in a reply to insert one.</span>
      </div>
      <form
        class="card reply-form"
        aria-label={editing ? `Edit ${editing.title}` : 'Add a saved reply'}
        onSubmit={async (e) => {
          e.preventDefault();
          const ok = await run(
            () => (editing ? api('PATCH', `/saved-replies/${editing.id}`, { title, body }) : api('POST', '/saved-replies', { title, body })),
            editing ? 'Saved reply updated.' : 'Saved reply added.',
          );
          if (ok) reset();
        }}
      >
        <label class="field">
          <span>Title</span>
          <input value={title} required maxLength={MAX_SAVED_REPLY_TITLE} onInput={(e) => setTitle(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>Reply</span>
          <textarea rows={3} value={body} required maxLength={MAX_BODY_LENGTH} onInput={(e) => setBody(e.currentTarget.value)} />
        </label>
        <div class="dialog-actions">
          {editing && (
            <button type="button" class="btn" onClick={reset}>
              Cancel
            </button>
          )}
          <button type="submit" class="btn primary" disabled={busy || !title.trim() || !body.trim()}>
            {editing ? 'Save changes' : 'Add reply'}
          </button>
        </div>
      </form>
      {s.savedReplies.value.length === 0 ? (
        <p class="empty">No saved replies yet.</p>
      ) : (
        <ul class="reply-list">
          {s.savedReplies.value.map((r) => (
            <li key={r.id} class="card">
              <div class="reply-head">
                <strong>{r.title}</strong>
                {mayChange(r) && (
                  <span class="row-actions">
                    <button
                      type="button"
                      class="btn"
                      aria-label={`Edit ${r.title}`}
                      onClick={() => {
                        setEditing(r);
                        setTitle(r.title);
                        setBody(r.body);
                      }}
                    >
                      Edit
                    </button>
                    <button type="button" class="btn danger-outline" aria-label={`Delete ${r.title}`} onClick={() => void run(() => api('DELETE', `/saved-replies/${r.id}`), 'Saved reply deleted.')}>
                      Delete
                    </button>
                  </span>
                )}
              </div>
              <p class="reply-body">{r.body}</p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
