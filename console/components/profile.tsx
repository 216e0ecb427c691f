import { useState } from 'preact/hooks';
import type { ConsoleState } from '../state.js';
import { Avatar } from './avatar.js';
import { PasswordDialog } from './password-dialog.js';

/** The signed-in agent's own account: how visitors and colleagues see them, and their password. */
export function Profile({ s }: { s: ConsoleState }) {
  const [changingPassword, setChangingPassword] = useState(false);
  const a = s.me.agent;
  return (
    <section class="page" aria-labelledby="profile-title">
      <div class="page-head">
        <h2 id="profile-title">Your profile</h2>
      </div>
      <div class="card profile">
        <Avatar agent={a} size="lg" />
        <dl class="facts">
          <dt>Name</dt>
          <dd>{a.name}</dd>
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
