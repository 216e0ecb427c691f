// The console's views, one row each: the router finds a view by the first path segment
// (`/console/<view>[/<id>]`) and the top navigation lists the rows with a label. A new screen
// is one row here plus its component.
import type { VNode } from 'preact';
import type { MeDto } from '../../protocol/agents.js';
import type { ConsoleState } from '../state.js';
import { ContactPage } from './contact-page.js';
import { Contacts } from './contacts.js';
import { MessengerSettingsView } from './messenger-settings.js';
import { Profile } from './profile.js';
import { HeldView } from './protection/held.js';
import { ProtectionRules } from './protection/rules.js';
import './protection/protection.css';
import { SavedReplies } from './saved-replies.js';
import { Team } from './team.js';
import { Workspace } from './workspace.js';

/** What the shell hands every view. */
export interface ViewProps {
  s: ConsoleState;
  /** The second path segment, e.g. the conversation or contact id. */
  id: string | null;
  /** Opens the block/unblock confirmation (one contact, or the contacts selected in the list). */
  askBlock(target: { contactId: string; subject: string } | 'selected', block: boolean): void;
}

export interface ViewDef {
  view: string;
  /** In the top navigation; views without a label are reached by links (e.g. the profile). */
  label?: string;
  /** Who may open it: every agent (unset), admins, or agents whose role may block. */
  who?: 'admins' | 'blockers';
  /** The view fills the width (no inbox column). */
  single?: boolean;
  render(props: ViewProps): VNode;
}

export const VIEWS: ViewDef[] = [
  { view: 'conversations', label: 'Inbox', render: (p) => <Workspace {...p} /> },
  { view: 'contacts', label: 'Contacts', single: true, render: (p) => (p.id ? <ContactPage {...p} id={p.id} /> : <Contacts {...p} />) },
  { view: 'replies', label: 'Saved replies', single: true, render: (p) => <SavedReplies s={p.s} /> },
  { view: 'held', label: 'Held', who: 'blockers', single: true, render: (p) => <HeldView s={p.s} /> },
  { view: 'protection', label: 'Protection', who: 'admins', single: true, render: (p) => <ProtectionRules s={p.s} /> },
  { view: 'messenger', label: 'Messenger', who: 'admins', single: true, render: (p) => <MessengerSettingsView s={p.s} /> },
  { view: 'team', label: 'Team', who: 'admins', single: true, render: (p) => <Team s={p.s} /> },
  { view: 'profile', single: true, render: (p) => <Profile s={p.s} /> },
];

export const DEFAULT_VIEW = 'conversations';

export const mayOpen = (v: ViewDef, me: MeDto) => !v.who || (v.who === 'admins' ? me.agent.role === 'admin' : me.canBlock);

/** The view for a path segment the agent may see, else the inbox. */
export const viewFor = (name: string, me: MeDto) => VIEWS.find((v) => v.view === name && mayOpen(v, me)) ?? VIEWS[0]!;
