// The agents' console: signs in, then opens the /agents socket and renders the app.
import { render } from 'preact';
import { signal } from '@preact/signals';
import { io } from 'socket.io-client';
import type { MeDto } from '../protocol/agents.js';
import { AcceptInvite } from './components/accept-invite.js';
import { App } from './components/app.js';
import { SignIn } from './components/sign-in.js';
import { DEFAULT_VIEW } from './components/views.js';
import { createRouter } from './router.js';
import { createConsole, type ConsoleState, type Connect } from './state.js';
import { applyTheme } from './theme.js';
import './console.css';

const session = signal<ConsoleState | null>(null);
const checked = signal(false);

function start(me: MeDto) {
  session.value = createConsole(me, io as unknown as Connect, createRouter(DEFAULT_VIEW));
}

async function signOut() {
  session.value?.destroy();
  await fetch('/console/api/session', { method: 'DELETE' }).catch(() => {});
  session.value = null;
}

function Root() {
  if (!checked.value) return null;
  const s = session.value;
  if (s) return <App s={s} onSignOut={() => void signOut()} />;
  // An invitation link: the invitee has no session yet (and a session of someone else's is ignored there).
  return location.pathname === '/console/invite' ? <AcceptInvite onSignedIn={start} /> : <SignIn onSignedIn={start} />;
}

applyTheme();
const invited = location.pathname === '/console/invite';
(invited ? Promise.resolve(null) : fetch('/console/api/me'))
  .then(async (res) => (res?.ok ? start((await res.json()) as MeDto) : undefined))
  .catch(() => {})
  .finally(() => (checked.value = true));

render(<Root />, document.getElementById('app')!);
