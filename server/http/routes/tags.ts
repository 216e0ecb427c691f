import { TagParams, TagUpsert } from '../../../protocol/schemas/rest.js';
import type { Core } from '../../core/core.js';
import { tagJson } from '../../presenters/rest.js';
import { route } from '../route.js';

/** `/v2/tags`: the SDK's `support.conversationTags`, the catalog `attachTag` picks from. */
export const tagRoutes = (core: Core) => [
  route({
    method: 'GET', url: '/v2/tags', summary: 'List conversation tags', auth: 'bearer',
    responses: { 200: 'Every tag (one page)' },
    handler: async () => ({ object: 'list', data: (await core.tags.list()).map(tagJson), nextCursor: null }),
  }),
  route({
    method: 'POST', url: '/v2/tags', summary: 'Create a tag, or rename the one with `id`', auth: 'bearer',
    body: TagUpsert, responses: { 200: 'The tag' }, errors: ['tag_not_found', 'conflict', 'admin_not_found'],
    handler: async ({ body: { name, id, actingAdminId } }) => {
      if (actingAdminId) await core.agents.admin(actingAdminId);
      return tagJson(await core.tags.createOrRename(name, id));
    },
  }),
  route({
    method: 'GET', url: '/v2/tags/:id', summary: 'Retrieve a tag', auth: 'bearer',
    params: TagParams, responses: { 200: 'The tag' }, errors: ['tag_not_found'],
    handler: async ({ params: { id } }) => tagJson(await core.tags.get(id)),
  }),
  route({
    method: 'DELETE', url: '/v2/tags/:id', summary: 'Delete a tag (it leaves every conversation)', auth: 'bearer',
    params: TagParams, responses: { 200: '{id, object: "tag", deleted: true}' }, errors: ['tag_not_found'],
    handler: async ({ params: { id } }) => {
      await core.tags.delete(id);
      return { id, object: 'tag', deleted: true };
    },
  }),
];
