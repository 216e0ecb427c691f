import type { FastifyRequest } from 'fastify';
import * as v from 'valibot';
import type { ErrorCode } from '../../protocol/errors.js';
import { PageQuery } from '../../protocol/schemas/query.js';
import {
  ProtectionEventsQuery, ProtectionIdParams, ProtectionRuleCreate, ProtectionRuleUpdate, RecommendedRulesBody,
} from '../../protocol/schemas/protection.js';
import type { AuditActor } from '../core/audit.js';
import type { Core } from '../core/core.js';
import { ParleyError } from '../core/errors.js';
import { heldMessageJson, protectionEventJson, ruleJson } from '../presenters/protection.js';
import { partJson } from '../presenters/rest.js';
import type { AgentRecord } from '../store/store.js';
import { requestInfo } from './request-info.js';
import { route } from './route.js';

const HeldListQuery = v.looseObject({ ...PageQuery.entries });

/**
 * `/console/api/protection/*`: the REST protection endpoints for a console session (the
 * REST ones take the API key). Rules are an admin's; held messages are reviewed by whoever
 * may block. Same core calls, same JSON, recorded as the agent.
 */
export function consoleProtectionRoutes(core: Core, signedIn: (req: FastifyRequest) => AgentRecord) {
  const as = (req: FastifyRequest, may: 'admin' | 'review'): AuditActor => {
    const agent = signedIn(req);
    if (may === 'admin' && agent.role !== 'admin') throw new ParleyError('forbidden', 'Only admins can change protection rules.');
    if (may === 'review' && !core.agents.canBlock(agent)) throw new ParleyError('forbidden', `Agents with the ${agent.role} role may not review held messages.`);
    return { actorType: 'admin', actorId: agent.id, request: requestInfo(req) };
  };
  const list = <T>(data: T[], nextCursor: string | null = null) => ({ object: 'list' as const, data, nextCursor });
  const deleting = (url: string, summary: string, notFound: ErrorCode, remove: (id: string, req: FastifyRequest) => Promise<unknown>) =>
    route({
      method: 'DELETE', url, summary, auth: 'agent', params: ProtectionIdParams, responses: { 200: '{id, deleted: true}' }, errors: [notFound],
      handler: async (req) => {
        await remove(req.params.id, req);
        return { id: req.params.id, deleted: true };
      },
    });
  return [
    route({
      method: 'GET', url: '/console/api/protection/rules', summary: 'Protection rules (admins)', auth: 'agent', responses: { 200: 'Every rule' },
      handler: async (req) => {
        as(req, 'admin');
        return list((await core.protection.listRules()).map(ruleJson));
      },
    }),
    route({
      method: 'POST', url: '/console/api/protection/rules', summary: 'Create a protection rule (admins)', auth: 'agent',
      body: ProtectionRuleCreate, responses: { 201: 'The rule' }, errors: ['invalid_pattern'],
      handler: async (req, reply) => {
        const rule = await core.protection.createRule(req.body, as(req, 'admin'));
        reply.code(201);
        return ruleJson(rule);
      },
    }),
    route({
      method: 'PATCH', url: '/console/api/protection/rules/:id', summary: 'Update a protection rule (admins)', auth: 'agent',
      params: ProtectionIdParams, body: ProtectionRuleUpdate, responses: { 200: 'The rule' }, errors: ['protection_rule_not_found', 'invalid_pattern'],
      handler: async (req) => ruleJson(await core.protection.updateRule(req.params.id, req.body, as(req, 'admin'))),
    }),
    deleting('/console/api/protection/rules/:id', 'Delete a protection rule (admins)', 'protection_rule_not_found', (id, req) => core.protection.deleteRule(id, as(req, 'admin'))),
    route({
      method: 'POST', url: '/console/api/protection/recommended', summary: 'Switch the recommended rules (admins)', auth: 'agent',
      body: RecommendedRulesBody, responses: { 200: 'The recommended rules' },
      handler: async (req) => list((await core.protection.setRecommended(req.body.mode, as(req, 'admin'))).map(ruleJson)),
    }),
    route({
      method: 'GET', url: '/console/api/protection/events', summary: 'What rules did or would have done (admins)', auth: 'agent',
      query: ProtectionEventsQuery, responses: { 200: 'A page of rule events' },
      handler: async (req) => {
        as(req, 'admin');
        const { limit, cursor, ruleId, mode } = req.query;
        const page = await core.protection.events({ limit, cursor, ruleId, mode });
        return list(page.items.map(protectionEventJson), page.nextCursor);
      },
    }),
    route({
      method: 'GET', url: '/console/api/protection/held', summary: 'Held messages, newest first', auth: 'agent',
      query: HeldListQuery, responses: { 200: 'A page of held messages' },
      handler: async (req) => {
        as(req, 'review');
        const page = await core.protection.listHeld({ limit: req.query.limit, cursor: req.query.cursor });
        return list(page.items.map(heldMessageJson), page.nextCursor);
      },
    }),
    route({
      method: 'POST', url: '/console/api/protection/held/:id/release', summary: 'Release a held message to the inbox', auth: 'agent',
      params: ProtectionIdParams, responses: { 200: 'The message it became' },
      errors: ['held_message_not_found', 'contact_blocked', 'conversation_not_found', 'contact_not_found'],
      handler: async (req) => partJson((await core.protection.release(req.params.id, as(req, 'review'))).message),
    }),
    deleting('/console/api/protection/held/:id', 'Discard a held message', 'held_message_not_found', (id, req) => core.protection.discard(id, as(req, 'review'))),
  ];
}
