import { AGENT_ROLES, type AgentRole } from '../../protocol/agents.js';
import type { AgentRecord } from '../store/store.js';

/** A console agent as featurebase-node's `Admin`; the role id is the role's name. */
export const adminJson = (a: AgentRecord) => ({
  object: 'admin' as const,
  id: a.id,
  email: a.email,
  name: a.name,
  profilePicture: null,
  roleId: a.role,
});

/**
 * Parley's two roles as featurebase-node's `AdminListRolesResponse.Data`, with the permissions
 * they carry in Parley: admins manage the team, `canBlock` says which roles may block
 * contacts (PARLEY_BLOCK_ROLES), everyone sees contacts.
 */
export const adminRolesJson = (canBlock: (role: AgentRole) => boolean) => AGENT_ROLES.map((role) => ({
  object: 'admin_role' as const,
  id: role,
  name: role === 'admin' ? 'Admin' : 'Agent',
  permissions: { manage_team_members: role === 'admin', manage_users: canBlock(role), view_users: true },
}));
