// The console's hook into protection: nav entries and the views they open. Kept here so the
// shell only renders <ProtectionNav> and asks protectionView() for its main area.
import type { ConsoleState } from '../../state.js';
import { HeldView } from './held.js';
import { ProtectionRules } from './rules.js';
import './protection.css';

/** "Held" for whoever may block (they review held messages), "Protection" for admins. */
export function ProtectionNav({ s }: { s: ConsoleState }) {
  const view = s.view.value;
  return (
    <>
      {s.me.canBlock && (
        <button type="button" class="nav" aria-current={view === 'held' ? 'page' : undefined} onClick={() => (s.view.value = 'held')}>
          Held
        </button>
      )}
      {s.me.agent.role === 'admin' && (
        <button type="button" class="nav" aria-current={view === 'protection' ? 'page' : undefined} onClick={() => (s.view.value = 'protection')}>
          Protection
        </button>
      )}
    </>
  );
}

/** The main area for a protection view, or null for the shell's own views. */
export function protectionView(s: ConsoleState) {
  if (s.view.value === 'held') return <HeldView s={s} />;
  if (s.view.value === 'protection') return <ProtectionRules s={s} />;
  return null;
}
