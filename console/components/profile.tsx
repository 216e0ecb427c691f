import { useState } from 'preact/hooks';
import { MAX_AGENT_NAME_LENGTH, MAX_AVATAR_BYTES, type MeDto } from '../../protocol/agents.js';
import { api } from '../api.js';
import type { ConsoleState } from '../state.js';
import { Avatar, AVATAR_COLORS } from './avatar.js';
import { PasswordDialog } from './password-dialog.js';

const COLOR_NAMES = ['Blue', 'Green', 'Red', 'Yellow', 'Violet', 'Teal', 'Orange', 'Grey'];

const readAsDataUrl = (file: File) =>
  new Promise<string>((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(new Error('The file cannot be read.'));
    reader.readAsDataURL(file);
  });

/** The signed-in agent's own account: the name and picture visitors and colleagues see, and the password. */
export function Profile({ s }: { s: ConsoleState }) {
  const a = s.profile.value;
  const [changingPassword, setChangingPassword] = useState(false);
  const [name, setName] = useState(a.name);
  const [color, setColor] = useState(a.avatarColor);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function save(run: () => Promise<MeDto>, done: string) {
    setBusy(true);
    setError(null);
    try {
      s.setMe(await run());
      s.notify(done, 'info');
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="page" aria-labelledby="profile-title">
      <div class="page-head">
        <h2 id="profile-title">Your profile</h2>
        <span class="hint">Visitors see your name and picture on your replies.</span>
      </div>
      <div class="card profile">
        <div class="profile-picture">
          <Avatar agent={a} size="lg" />
          <div class="profile-picture-actions">
            <label class="btn">
              Upload a picture
              <input
                class="sr-only"
                type="file"
                accept="image/png,image/jpeg,image/webp,image/gif"
                disabled={busy}
                onChange={async (e) => {
                  const input = e.currentTarget;
                  const file = input.files?.[0];
                  input.value = '';
                  if (!file) return;
                  if (file.size > MAX_AVATAR_BYTES) return setError('The picture is larger than 1 MB.');
                  const image = await readAsDataUrl(file);
                  await save(() => api<MeDto>('PUT', '/me/avatar', { image }), 'Your picture is saved.');
                }}
              />
            </label>
            {a.avatarUrl && (
              <button type="button" class="btn" disabled={busy} onClick={() => void save(() => api<MeDto>('DELETE', '/me/avatar'), 'Your picture is removed.')}>
                Remove picture
              </button>
            )}
            <span class="hint">PNG, JPEG, WebP or GIF up to 1 MB; cropped to a square.</span>
          </div>
        </div>
        <fieldset class="colors">
          <legend>Colour behind your initials</legend>
          {Array.from({ length: AVATAR_COLORS }, (_, i) => (
            <label key={i} class={`color-swatch av-${i}`}>
              <input
                type="radio"
                name="avatar-color"
                checked={color === i}
                onChange={() => {
                  setColor(i);
                  void save(() => api<MeDto>('PATCH', '/me', { avatarColor: i }), 'Colour saved.');
                }}
              />
              <span class="sr-only">{COLOR_NAMES[i]}</span>
            </label>
          ))}
        </fieldset>
        <form
          class="profile-name"
          onSubmit={(e) => {
            e.preventDefault();
            void save(() => api<MeDto>('PATCH', '/me', { name }), 'Your name is saved.');
          }}
        >
          <label class="field">
            <span>Display name</span>
            <input value={name} required maxLength={MAX_AGENT_NAME_LENGTH} onInput={(e) => setName(e.currentTarget.value)} aria-invalid={error ? true : undefined} />
          </label>
          <button type="submit" class="btn primary" disabled={busy || !name.trim() || name.trim() === a.name}>
            Save name
          </button>
        </form>
        <p class="err" role="alert">
          {error}
        </p>
        <dl class="facts">
          <dt>Email</dt>
          <dd>{a.email}</dd>
          <dt>Role</dt>
          <dd>{a.role === 'admin' ? 'Admin' : 'Agent'}</dd>
        </dl>
        <button type="button" class="btn" onClick={() => setChangingPassword(true)}>
          Change password
        </button>
      </div>
      {changingPassword && <PasswordDialog s={s} onClose={() => setChangingPassword(false)} />}
    </section>
  );
}
