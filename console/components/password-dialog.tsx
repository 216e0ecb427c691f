import { useState } from 'preact/hooks';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, type MeDto } from '../../protocol/agents.js';
import { api } from '../api.js';
import type { ConsoleState } from '../state.js';
import { Modal } from './modal.js';

/** Change one's own password: the current one is required; every other session is signed out. */
export function PasswordDialog({ s, onClose }: { s: ConsoleState; onClose: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const field = (label: string, value: string, set: (v: string) => void, autoComplete: string, min = 1) => (
    <label class="field">
      <span>{label}</span>
      <input
        type="password"
        required
        minLength={min}
        maxLength={MAX_PASSWORD_LENGTH}
        autoComplete={autoComplete}
        value={value}
        onInput={(e) => set(e.currentTarget.value)}
      />
    </label>
  );
  return (
    <Modal
      id="pw"
      title="Change your password"
      submit="Change password"
      onClose={onClose}
      onSubmit={async () => {
        if (next !== again) {
          setError('The new passwords do not match.');
          return false;
        }
        try {
          // The answer carries a fresh cookie; the socket reconnects with it.
          await s.renewSession(() => api<MeDto>('PUT', '/me/password', { currentPassword: current, newPassword: next }));
          s.notify('Password changed. Your other sessions are signed out.', 'info');
          return true;
        } catch (err) {
          setError((err as Error).message);
          return false;
        }
      }}
    >
      <p>Your other devices and browsers are signed out; this one stays signed in.</p>
      {field('Current password', current, setCurrent, 'current-password')}
      {field(`New password (at least ${MIN_PASSWORD_LENGTH} characters)`, next, setNext, 'new-password', MIN_PASSWORD_LENGTH)}
      {field('New password again', again, setAgain, 'new-password', MIN_PASSWORD_LENGTH)}
      {error && (
        <p class="err" role="alert">
          {error}
        </p>
      )}
    </Modal>
  );
}
