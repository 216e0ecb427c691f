import { useEffect, useRef, useState } from 'preact/hooks';
import {
  MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, type AgentRole, type PasswordResetResult, type TeamMemberDto,
} from '../../protocol/agents.js';
import { api } from '../api.js';
import { fullTime, shortTime } from '../format.js';
import type { ConsoleState } from '../state.js';
import { Avatar } from './avatar.js';
import { Modal } from './modal.js';

type Pending = { kind: 'deactivate' | 'reset'; agent: TeamMemberDto };

/** Admins: every console account with role and status; add, deactivate, reactivate, reset password. */
export function Team({ s }: { s: ConsoleState }) {
  const [agents, setAgents] = useState<TeamMemberDto[]>([]);
  const [pending, setPending] = useState<Pending | null>(null);
  const put = (a: TeamMemberDto) => setAgents((list) => (list.some((x) => x.id === a.id) ? list.map((x) => (x.id === a.id ? a : x)) : [...list, a]));

  useEffect(() => {
    api<{ data: TeamMemberDto[] }>('GET', '/agents').then((r) => setAgents(r.data), (e: Error) => s.notify(e.message));
  }, []);

  async function setRole(a: TeamMemberDto, role: AgentRole) {
    try {
      put(await api<TeamMemberDto>('PATCH', `/agents/${a.id}`, { role }));
      s.notify(`${a.name} is now ${role === 'admin' ? 'an admin' : 'an agent'}.`, 'info');
    } catch (err) {
      s.notify((err as Error).message);
      setAgents((list) => [...list]);
    }
  }

  async function reactivate(a: TeamMemberDto) {
    try {
      put(await api<TeamMemberDto>('PATCH', `/agents/${a.id}`, { active: true }));
      s.notify(`${a.name} can sign in again.`, 'info');
    } catch (err) {
      s.notify((err as Error).message);
    }
  }

  /** Resends (a new link, emailed) or withdraws a pending agent's invitation. */
  async function inviteAction(a: TeamMemberDto, method: 'POST' | 'DELETE') {
    try {
      put(await api<TeamMemberDto>(method, `/agents/${a.id}/invite`));
      s.notify(method === 'POST' ? `A new invitation is on its way to ${a.email}.` : `The invitation of ${a.email} is withdrawn.`, 'info');
    } catch (err) {
      s.notify((err as Error).message);
    }
  }

  const active = agents.filter((a) => !a.deactivatedAt).length;
  return (
    <section class="page" aria-labelledby="team-title">
      <div class="page-head">
        <h2 id="team-title">Team</h2>
        <span class="hint">
          {active} active of {agents.length}
        </span>
      </div>
      <AddAgent s={s} onAdded={put} />
      <AddAgent s={s} onAdded={put} invite />
      <div class="table-wrap" tabIndex={0} role="region" aria-label="Team members">
      <table class="table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Role</th>
            <th scope="col">Status</th>
            <th scope="col">Added</th>
            <th scope="col">
              <span class="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {agents.map((a) => (
            <tr key={a.id}>
              <td>
                <span class="who-cell">
                  <Avatar agent={a} />
                  {a.name}
                </span>
              </td>
              <td>{a.email}</td>
              <td>
                {a.id === s.me.agent.id ? (
                  a.role === 'admin' ? 'Admin' : 'Agent'
                ) : (
                  <select class="role-select" aria-label={`Role of ${a.name}`} value={a.role} onChange={(e) => void setRole(a, e.currentTarget.value as AgentRole)}>
                    <option value="agent">Agent</option>
                    <option value="admin">Admin</option>
                  </select>
                )}
              </td>
              <td>
                {a.deactivatedAt ? (
                  <span class="badge blocked">Deactivated</span>
                ) : a.invite ? (
                  <span class="badge" title={`Link sent ${fullTime(a.invite.sentAt)}, valid until ${fullTime(a.invite.expiresAt)}`}>
                    {inviteStatus(a.invite)}
                  </span>
                ) : (
                  <span class="badge ok">Active</span>
                )}
              </td>
              <td>{shortTime(a.createdAt)}</td>
              <td>
                <div class="row-actions">
                  {a.id === s.me.agent.id ? (
                    <span class="hint">You</span>
                  ) : (
                    <>
                      {a.invite && !a.deactivatedAt && (
                        <>
                          <button type="button" class="btn" aria-label={`Resend the invitation of ${a.name}`} onClick={() => void inviteAction(a, 'POST')}>
                            Resend
                          </button>
                          {!a.invite.revoked && (
                            <button type="button" class="btn danger-outline" aria-label={`Withdraw the invitation of ${a.name}`} onClick={() => void inviteAction(a, 'DELETE')}>
                              Withdraw
                            </button>
                          )}
                        </>
                      )}
                      <button type="button" class="btn" aria-label={`Reset password of ${a.name}`} onClick={() => setPending({ kind: 'reset', agent: a })}>
                        Reset password
                      </button>
                      {a.deactivatedAt ? (
                        <button type="button" class="btn" aria-label={`Reactivate ${a.name}`} onClick={() => void reactivate(a)}>
                          Reactivate
                        </button>
                      ) : (
                        <button type="button" class="btn danger-outline" aria-label={`Deactivate ${a.name}`} onClick={() => setPending({ kind: 'deactivate', agent: a })}>
                          Deactivate
                        </button>
                      )}
                    </>
                  )}
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      </div>
      {pending?.kind === 'deactivate' && (
        <Modal
          id="deactivate"
          title={`Deactivate ${pending.agent.name}?`}
          submit="Deactivate"
          danger
          onClose={() => setPending(null)}
          onSubmit={async () => {
            try {
              put(await api<TeamMemberDto>('PATCH', `/agents/${pending.agent.id}`, { active: false }));
              s.notify(`${pending.agent.name} is deactivated and signed out everywhere.`, 'info');
              return true;
            } catch (err) {
              s.notify((err as Error).message);
              return false;
            }
          }}
        >
          <p>They are signed out at once on every device and cannot sign in until reactivated. Their messages stay.</p>
        </Modal>
      )}
      {pending?.kind === 'reset' && <ResetDialog s={s} agent={pending.agent} onClose={() => setPending(null)} />}
    </section>
  );
}

/** A new password, chosen here or generated by the server and shown once. */
function ResetDialog({ s, agent, onClose }: { s: ConsoleState; agent: TeamMemberDto; onClose: () => void }) {
  const [password, setPassword] = useState('');
  const [shown, setShown] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const shownRef = useRef<HTMLInputElement>(null);
  useEffect(() => shownRef.current?.focus(), [shown]);
  if (shown) {
    return (
      <Modal id="reset" title={`New password for ${agent.name}`} submit={null} close="Done" onClose={onClose}>
        <p>Shown only once: copy it now and hand it over safely. Their old sessions are signed out.</p>
        <label class="field">
          <span>Generated password</span>
          <input ref={shownRef} class="mono" readOnly value={shown} onFocus={(e) => e.currentTarget.select()} />
        </label>
      </Modal>
    );
  }
  return (
    <Modal
      id="reset"
      title={`Reset the password of ${agent.name}?`}
      submit="Reset password"
      onClose={onClose}
      onSubmit={async () => {
        try {
          const res = await api<PasswordResetResult>('POST', `/agents/${agent.id}/password`, password ? { password } : {});
          if (res.password) {
            setShown(res.password);
            return false;
          }
          s.notify(`${agent.name}'s password is reset; their sessions are signed out.`, 'info');
          return true;
        } catch (err) {
          setError((err as Error).message);
          return false;
        }
      }}
    >
      <p>Every session of {agent.name} is signed out.</p>
      <label class="field">
        <span>New password (leave empty to generate one)</span>
        <input
          type="password"
          autoComplete="new-password"
          minLength={MIN_PASSWORD_LENGTH}
          maxLength={MAX_PASSWORD_LENGTH}
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
      </label>
      {error && (
        <p class="err" role="alert">
          {error}
        </p>
      )}
    </Modal>
  );
}

/**
 * Add an agent: email, name and role, then either a first password to hand over, or an
 * invitation by email (a 72 h single-use link where they choose their own).
 */
function AddAgent({ s, onAdded, invite }: { s: ConsoleState; onAdded: (a: TeamMemberDto) => void; invite?: boolean }) {
  const [busy, setBusy] = useState(false);
  return (
    <form
      class="team-add"
      aria-label={invite ? 'Invite by email' : 'Add an agent'}
      onSubmit={async (e) => {
        e.preventDefault();
        const form = e.currentTarget;
        const data = new FormData(form);
        setBusy(true);
        try {
          const person = { email: data.get('email'), name: data.get('name'), role: data.get('role') as AgentRole };
          const added = await api<TeamMemberDto>('POST', invite ? '/invites' : '/agents', invite ? person : { ...person, password: data.get('password') });
          onAdded(added);
          form.reset();
          s.notify(invite ? `Invitation sent to ${added.email}.` : `${added.name} is added.`, 'info');
        } catch (err) {
          s.notify((err as Error).message);
        } finally {
          setBusy(false);
        }
      }}
    >
      <label class="field">
        <span>Email</span>
        <input name="email" type="email" required autoComplete="off" />
      </label>
      <label class="field">
        <span>Name</span>
        <input name="name" autoComplete="off" maxLength={255} />
      </label>
      <label class="field">
        <span>Role</span>
        <select name="role">
          <option value="agent">Agent</option>
          <option value="admin">Admin</option>
        </select>
      </label>
      {!invite && (
        <label class="field">
          <span>First password</span>
          <input name="password" type="password" required autoComplete="new-password" minLength={MIN_PASSWORD_LENGTH} maxLength={MAX_PASSWORD_LENGTH} />
        </label>
      )}
      <button type="submit" class="btn primary" disabled={busy}>
        {invite ? 'Send invitation' : 'Add agent'}
      </button>
    </form>
  );
}

/** A pending agent's status: invited until when, or why the link no longer works. */
function inviteStatus(invite: NonNullable<TeamMemberDto['invite']>): string {
  if (invite.revoked) return 'Invitation withdrawn';
  return Date.parse(invite.expiresAt) <= Date.now() ? 'Invitation expired' : 'Invited';
}
