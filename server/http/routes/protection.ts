import type { FastifyRequest } from 'fastify';
import * as v from 'valibot';
import { PageQuery } from '../../../protocol/schemas/query.js';
import {
  ProtectionEventsQuery, ProtectionIdParams, ProtectionRuleCreate, ProtectionRuleUpdate, RecommendedRulesBody,
} from '../../../protocol/schemas/protection.js';
import type { AuditActor } from '../../core/audit.js';
import type { Core } from '../../core/core.js';
import { heldMessageJson, protectionEventJson, ruleJson } from '../../presenters/protection.js';
import { partJson } from '../../presenters/rest.js';
import { requestInfo } from '../request-info.js';
import { route } from '../route.js';

const NOVA = '2026-01-01.nova';
const apiActor = (req: FastifyRequest): AuditActor => ({ actorType: 'api', request: requestInfo(req) });
const HeldListQuery = v.looseObject({ ...PageQuery.entries });

/** `/v2/protection` (Parley extension): rules, the recommended set, held messages, rule events. */
export const protectionRoutes = (core: Core) => [
  route({
    method: 'GET', url: '/v2/protection/rules', summary: 'List protection rules, in evaluation order', auth: 'bearer', minVersion: NOVA, extension: true,
    responses: { 200: 'Every rule' },
    handler: async () => ({ object: 'list', data: (await core.protection.listRules()).map(ruleJson), nextCursor: null }),
  }),
  route({
    method: 'POST', url: '/v2/protection/rules', summary: 'Create a protection rule', auth: 'bearer', minVersion: NOVA, extension: true,
    body: ProtectionRuleCreate, responses: { 201: 'The rule' }, errors: ['invalid_pattern'],
    handler: async (req, reply) => {
      reply.code(201);
      return ruleJson(await core.protection.createRule(req.body, apiActor(req)));
    },
  }),
  route({
    method: 'POST', url: '/v2/protection/recommended', summary: 'Switch the recommended rules off, to dry run or on', auth: 'bearer', minVersion: NOVA, extension: true,
    body: RecommendedRulesBody, responses: { 200: 'The recommended rules' },
    handler: async (req) => ({ object: 'list', data: (await core.protection.setRecommended(req.body.mode, apiActor(req))).map(ruleJson), nextCursor: null }),
  }),
  route({
    method: 'GET', url: '/v2/protection/rules/:id', summary: 'Retrieve a protection rule', auth: 'bearer', minVersion: NOVA, extension: true,
    params: ProtectionIdParams, responses: { 200: 'The rule' }, errors: ['protection_rule_not_found'],
    handler: async ({ params }) => ruleJson(await core.protection.getRule(params.id)),
  }),
  route({
    method: 'PATCH', url: '/v2/protection/rules/:id', summary: 'Update a protection rule', auth: 'bearer', minVersion: NOVA, extension: true,
    params: ProtectionIdParams, body: ProtectionRuleUpdate, responses: { 200: 'The rule' }, errors: ['protection_rule_not_found', 'invalid_pattern'],
    handler: async (req) => ruleJson(await core.protection.updateRule(req.params.id, req.body, apiActor(req))),
  }),
  route({
    method: 'DELETE', url: '/v2/protection/rules/:id', summary: 'Delete a protection rule', auth: 'bearer', minVersion: NOVA, extension: true,
    params: ProtectionIdParams, responses: { 200: '{id, object: "protection_rule", deleted: true}' }, errors: ['protection_rule_not_found'],
    handler: async (req) => {
      await core.protection.deleteRule(req.params.id, apiActor(req));
      return { id: req.params.id, object: 'protection_rule', deleted: true };
    },
  }),
  route({
    method: 'GET', url: '/v2/protection/events', summary: 'What rules did, or in dry run would have done, newest first', auth: 'bearer', minVersion: NOVA, extension: true,
    query: ProtectionEventsQuery, responses: { 200: 'A page of rule events' },
    handler: async ({ query: { limit, cursor, ruleId, mode } }) => {
      const page = await core.protection.events({ limit, cursor, ruleId, mode });
      return { object: 'list', data: page.items.map(protectionEventJson), nextCursor: page.nextCursor };
    },
  }),
  route({
    method: 'GET', url: '/v2/protection/held', summary: 'List held messages, newest first', auth: 'bearer', minVersion: NOVA, extension: true,
    query: HeldListQuery, responses: { 200: 'A page of held messages' },
    handler: async ({ query: { limit, cursor } }) => {
      const page = await core.protection.listHeld({ limit, cursor });
      return { object: 'list', data: page.items.map(heldMessageJson), nextCursor: page.nextCursor };
    },
  }),
  route({
    method: 'POST', url: '/v2/protection/held/:id/release', summary: 'Release a held message: delivered live to agents', auth: 'bearer', minVersion: NOVA, extension: true,
    params: ProtectionIdParams, responses: { 200: 'The conversation part it became' },
    errors: ['held_message_not_found', 'contact_blocked', 'conversation_not_found', 'contact_not_found'],
    handler: async (req) => partJson((await core.protection.release(req.params.id, apiActor(req))).message),
  }),
  route({
    method: 'DELETE', url: '/v2/protection/held/:id', summary: 'Discard a held message', auth: 'bearer', minVersion: NOVA, extension: true,
    params: ProtectionIdParams, responses: { 200: '{id, object: "held_message", deleted: true}' }, errors: ['held_message_not_found'],
    handler: async (req) => {
      await core.protection.discard(req.params.id, apiActor(req));
      return { id: req.params.id, object: 'held_message', deleted: true };
    },
  }),
];
