import { AdminParams } from '../../../protocol/schemas/rest.js';
import type { Core } from '../../core/core.js';
import { adminJson, adminRolesJson } from '../../presenters/admins.js';
import { route } from '../route.js';

/** `/v2/admins`: the SDK's `organization.admins`, served from Parley's active console agents. */
export const adminRoutes = (core: Core) => [
  route({
    method: 'GET', url: '/v2/admins', summary: 'List admins (the active console agents)', auth: 'bearer',
    responses: { 200: 'Every admin (one page)' },
    handler: async () => ({ object: 'list', data: (await core.agents.admins()).map(adminJson), nextCursor: null }),
  }),
  route({
    method: 'GET', url: '/v2/admins/roles', summary: 'List admin roles (admin, agent) and their permissions', auth: 'bearer',
    responses: { 200: 'The roles' },
    handler: async () => ({ object: 'list', data: adminRolesJson((role) => core.agents.canBlock({ role })), nextCursor: null }),
  }),
  route({
    method: 'GET', url: '/v2/admins/:id', summary: 'Retrieve an admin', auth: 'bearer',
    params: AdminParams, responses: { 200: 'The admin' }, errors: ['admin_not_found'],
    handler: async ({ params: { id } }) => adminJson(await core.agents.admin(id)),
  }),
];
