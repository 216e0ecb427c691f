import fastifyCookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TLSSocket } from 'node:tls';
import { MAX_AVATAR_BYTES, SESSION_COOKIE, type MeDto, type PasswordResetResult, type TeamMemberDto } from '../../protocol/agents.js';
import {
  AgentParams, AgentPatch, AvatarParams, AvatarUpload, InviteAccept, InviteCheck, NewAgent, NewInvite, NewSavedReply, PasswordChange, PasswordReset, ProfilePatch, SavedReplyParams, SavedReplyPatch, SignIn,
} from '../../protocol/schemas/console-api.js';
import { agentSession, signOut } from '../auth/agent-session.js';
import { isHttps, sameOrigin, sessionCookieOptions, signSession } from '../auth/session.js';
import type { Config } from '../config.js';
import type { AgentActor, SignInResult } from '../core/agents.js';
import type { Core } from '../core/core.js';
import type { IssuedInvite } from '../core/invites.js';
import type { InviteRecord } from '../store/repositories/invites.js';
import { ParleyError } from '../core/errors.js';
import type { LimitName, RateLimiter } from '../guard/rate-limits.js';
import { agentDto, savedReplyDto } from '../presenters/agents.js';
import type { AgentRecord } from '../store/store.js';
import { noStore, notFoundOrWrongMethod, sendError } from './errors.js';
import { consoleProtectionRoutes } from './console-protection.js';
import { clientAddress, requestInfo } from './request-info.js';
import { registerRoutes, route } from './route.js';

export interface ConsoleDeps {
  core: Core;
  config: Config;
  limiter: RateLimiter;
  /** Ends an agent's open console sockets on every process. */
  closeSockets(agentId: string): Promise<void>;
  /** Emails an invitation's link (the token is in it and nowhere else). */
  sendInvite(issued: IssuedInvite, inviter: AgentRecord): Promise<void>;
}

/**
 * `/console/api/*` (register with that prefix): sign-in, sign-out, who am I, one's own
 * password, (admins) agent accounts: add, deactivate, reactivate, reset password, and
 * automatic protection (console-protection.ts).
 */
export async function consoleApi(app: FastifyInstance, { core, config, limiter, closeSockets, sendInvite }: ConsoleDeps): Promise<void> {
  await app.register(fastifyCookie);
  const agents = new WeakMap<FastifyRequest, AgentRecord>();
  /** The signed-in agent of a route with `auth: 'agent'` (checked before anything else). */
  const signedIn = (req: FastifyRequest) => agents.get(req)!;

  app.setNotFoundHandler(notFoundOrWrongMethod(app));
  app.addHook('onRequest', async (req, reply) => {
    noStore(reply);
    // Cookie-authenticated writes must come from our own pages (SameSite=Lax does the rest).
    if (req.method !== 'GET' && req.method !== 'HEAD' && !sameOrigin(req.headers)) {
      return sendError(reply, 'forbidden', 'Cross-origin requests to the console API are refused.');
    }
    if (req.routeOptions.config.auth !== 'agent') return;
    const session = await agentSession(core, config.keys.session, req.cookies[SESSION_COOKIE]);
    if (!session) return sendError(reply, 'unauthorized', 'Sign in to the console first.');
    agents.set(req, session.agent);
  });

  const secure = (req: FastifyRequest) => isHttps(req.headers, !!(req.raw.socket as TLSSocket).encrypted);
  const setSession = (req: FastifyRequest, reply: FastifyReply, agent: AgentRecord | null) => {
    const token = agent ? signSession(agent.id, agent.sessionEpoch, config.keys.session) : null;
    reply.setCookie(SESSION_COOKIE, token ?? '', sessionCookieOptions(token !== null, secure(req)));
  };
  const actor = (req: FastifyRequest): AgentActor => ({ agent: signedIn(req), request: requestInfo(req) });
  const me = (agent: AgentRecord): MeDto => ({ agent: agentDto(agent), canBlock: core.agents.canBlock(agent) });
  const teamMember = (a: AgentRecord, invite?: InviteRecord | null): TeamMemberDto => ({
    ...agentDto(a), deactivatedAt: a.deactivatedAt,
    invite: invite && !invite.usedAt ? { sentAt: invite.sentAt, expiresAt: invite.expiresAt, revoked: !!invite.revokedAt } : null,
  });
  /** Sends a fresh invitation; a mail transport failure is said (the account and link exist: Resend retries). */
  const mailInvite = async (issued: IssuedInvite, by: AgentRecord) => {
    try {
      await sendInvite(issued, by);
    } catch {
      throw new ParleyError('unavailable', `The invitation email to ${issued.agent.email} could not be sent; try Resend.`);
    }
    return teamMember(issued.agent, issued.invite);
  };
  /** Invitation links are guessed against like passwords: one sign-in point per address, given back when the link works. */
  const inviteAttempt = async (req: FastifyRequest, reply: FastifyReply, work: () => Promise<unknown>) => {
    const points: [LimitName, string][] = [['signInFailuresPerIp', clientAddress(req)]];
    const verdict = await limiter.consume(points);
    if (!verdict.ok) return tooManyAttempts(reply, verdict.retryAfterMs);
    const result = await work();
    await limiter.refund(points);
    return result;
  };
  // One point per address and per account is spent BEFORE the (slow) password check, so
  // parallel guesses cannot all reach it; a correct password gets both back.
  const attempt = (req: FastifyRequest, email: string): [LimitName, string][] =>
    [['signInFailuresPerIp', clientAddress(req)], ['signInFailuresPerAccount', email.trim().toLowerCase()]];
  /** 429 with Retry-After: the sign-in attempts of this address or account are spent for now. */
  const tooManyAttempts = (reply: FastifyReply, retryAfterMs: number) => {
    const seconds = Math.ceil(retryAfterMs / 1000);
    return sendError(reply.header('retry-after', String(seconds)), 'rate_limited', `Too many failed sign-ins; try again in ${Math.ceil(seconds / 60)} min.`);
  };

  /** Console writes (profile, every picture, which costs a decode, saved replies) are counted per agent. */
  const writeBudget = async (req: FastifyRequest) => {
    const verdict = await limiter.consume([['consoleWritesPerAgent', signedIn(req).id]]);
    if (!verdict.ok) throw new ParleyError('rate_limited', `Too many profile changes; try again in ${Math.ceil(verdict.retryAfterMs / 1000)} s.`);
  };

  /** Console sign-ins, successful or not, go to the audit log (`auth.login` / `auth.login_failed`). */
  const recordSignIn = (req: FastifyRequest, result: SignInResult, email: string) => {
    const request = requestInfo(req);
    return core.audit.record({
      action: result.ok ? 'auth.login' : 'auth.login_failed',
      domain: 'authentication',
      description: result.ok
        ? `${result.agent.name} signed in to the console`
        : `Failed console sign-in for ${email.slice(0, 100)}${result.reason === 'deactivated' ? ' (account deactivated)' : ''}`,
      actor: result.ok ? { actorType: 'admin', actorId: result.agent.id, request } : { actorType: 'system', request },
      resource: result.ok ? { type: 'admin', id: result.agent.id, name: result.agent.name } : { type: 'admin', id: null, name: email.slice(0, 320) },
      metadata: result.ok ? {} : { reason: result.reason },
    });
  };

  registerRoutes(app, [
    route({
      method: 'POST', url: '/console/api/session', summary: 'Sign in', auth: 'none', body: SignIn, responses: { 200: 'Me, with a session cookie' },
      handler: async (req, reply) => {
        const { email, password } = req.body;
        const points = attempt(req, email);
        const verdict = await limiter.consume(points);
        if (!verdict.ok) return tooManyAttempts(reply, verdict.retryAfterMs);
        const result = await core.agents.authenticate(email, password);
        await recordSignIn(req, result, email);
        // A deactivated account is answered like a wrong password: the answer never confirms a leaked one.
        if (!result.ok) throw new ParleyError('unauthorized', 'Wrong email or password.');
        await limiter.refund(points);
        setSession(req, reply, result.agent);
        return me(result.agent);
      },
    }),
    route({
      method: 'DELETE', url: '/console/api/session', summary: 'Sign out on every device', auth: 'none', responses: { 200: '{signedOut: true}' },
      handler: async (req, reply) => {
        const agentId = await signOut(core, config.keys.session, req.cookies[SESSION_COOKIE]);
        if (agentId) await closeSockets(agentId);
        setSession(req, reply, null);
        return { signedOut: true };
      },
    }),
    route({
      method: 'GET', url: '/console/api/me', summary: 'The signed-in agent', auth: 'agent', responses: { 200: 'Me' },
      handler: async (req) => me(signedIn(req)),
    }),
    route({
      method: 'PUT', url: '/console/api/me/password', summary: "Change one's own password", auth: 'agent', body: PasswordChange, responses: { 200: 'Me, with a fresh session cookie' },
      handler: async (req, reply) => {
        const by = actor(req);
        const { currentPassword, newPassword } = req.body;
        // The current-password check is a password check: same budget as sign-in (a stolen cookie must not guess).
        const points = attempt(req, by.agent.email);
        const verdict = await limiter.consume(points);
        if (!verdict.ok) return tooManyAttempts(reply, verdict.retryAfterMs);
        const agent = await core.agents.changePassword(by, currentPassword, newPassword);
        await limiter.refund(points);
        // Every other session (and socket) dies with the epoch; this one continues with a fresh cookie.
        await closeSockets(agent.id);
        setSession(req, reply, agent);
        return me(agent);
      },
    }),
    route({
      method: 'PATCH', url: '/console/api/me', summary: "Change one's own display name or initials colour", auth: 'agent', body: ProfilePatch,
      responses: { 200: 'Me' }, errors: ['rate_limited'],
      handler: async (req) => {
        await writeBudget(req);
        const agent = await core.agents.updateProfile(actor(req), req.body);
        // Open consoles reconnect so their replies carry the new name.
        await closeSockets(agent.id);
        return me(agent);
      },
    }),
    route({
      method: 'PUT', url: '/console/api/me/avatar', summary: "Upload one's own picture (cropped to a square and resized by the server)", auth: 'agent',
      body: AvatarUpload, bodyLimit: Math.ceil(MAX_AVATAR_BYTES / 3) * 4 + 1024, responses: { 200: 'Me' },
      errors: ['payload_too_large', 'unsupported_media_type', 'rate_limited'],
      handler: async (req) => {
        await writeBudget(req);
        return me(await core.agents.setAvatar(actor(req), req.body.image));
      },
    }),
    route({
      method: 'DELETE', url: '/console/api/me/avatar', summary: "Remove one's own picture (initials show again)", auth: 'agent', responses: { 200: 'Me' },
      handler: async (req) => me(await core.agents.setAvatar(actor(req), null)),
    }),
    route({
      method: 'GET', url: '/console/api/avatars/:key', summary: "An agent's picture (WebP) by its opaque key, for the console and the messenger", auth: 'none',
      params: AvatarParams, responses: { 200: 'image/webp' },
      handler: async (req, reply) => {
        const image = await core.agents.avatar(req.params.key);
        if (!image) throw new ParleyError('not_found', 'No such picture.');
        // A new picture gets a new key, so this one never changes; messenger pages load it cross-origin.
        return reply.header('cache-control', 'public, max-age=31536000, immutable').header('cross-origin-resource-policy', 'cross-origin')
          .type('image/webp').send(Buffer.from(image, 'base64'));
      },
    }),
    route({
      method: 'GET', url: '/console/api/saved-replies', summary: "The team's saved replies", auth: 'agent', responses: { 200: 'Saved replies by title' },
      handler: async () => ({ data: (await core.savedReplies.list()).map(savedReplyDto) }),
    }),
    route({
      method: 'POST', url: '/console/api/saved-replies', summary: 'Add a saved reply (any agent)', auth: 'agent', body: NewSavedReply,
      responses: { 201: 'The saved reply' }, errors: ['conflict', 'rate_limited'],
      handler: async (req, reply) => {
        await writeBudget(req);
        reply.code(201);
        return savedReplyDto(await core.savedReplies.create(signedIn(req), req.body));
      },
    }),
    route({
      method: 'PATCH', url: '/console/api/saved-replies/:id', summary: 'Change a saved reply (its author or an admin)', auth: 'agent',
      params: SavedReplyParams, body: SavedReplyPatch, responses: { 200: 'The saved reply' }, errors: ['saved_reply_not_found', 'rate_limited'],
      handler: async (req) => {
        await writeBudget(req);
        return savedReplyDto(await core.savedReplies.update(signedIn(req), req.params.id, req.body));
      },
    }),
    route({
      method: 'DELETE', url: '/console/api/saved-replies/:id', summary: 'Delete a saved reply (its author or an admin)', auth: 'agent',
      params: SavedReplyParams, responses: { 200: '{deleted: true}' }, errors: ['saved_reply_not_found'],
      handler: async (req) => {
        await core.savedReplies.delete(signedIn(req), req.params.id);
        return { deleted: true };
      },
    }),
    route({
      method: 'GET', url: '/console/api/agents', summary: 'The team', auth: 'agent', responses: { 200: 'Agent accounts' },
      handler: async () => {
        const [agents, pending] = await Promise.all([core.agents.list(), core.invites.pending()]);
        return { data: agents.map((a) => teamMember(a, pending.get(a.id))) };
      },
    }),
    route({
      method: 'POST', url: '/console/api/agents', summary: 'Add an agent (admins)', auth: 'agent', body: NewAgent, responses: { 201: 'The agent' },
      handler: async (req, reply) => {
        const by = actor(req);
        if (by.agent.role !== 'admin') throw new ParleyError('forbidden', 'Only admins can add agents.');
        const agent = await core.agents.create(req.body, by);
        reply.code(201);
        return teamMember(agent);
      },
    }),
    route({
      method: 'PATCH', url: '/console/api/agents/:id', summary: "Deactivate or reactivate an agent, or change their role (admins)", auth: 'agent',
      params: AgentParams, body: AgentPatch, responses: { 200: 'The agent' },
      handler: async (req) => {
        const { active, role } = req.body;
        let agent = role ? await core.agents.setRole(actor(req), req.params.id, role) : null;
        // Their open consoles reconnect and pick up the new role (what they may do is read from the socket).
        if (agent) await closeSockets(agent.id);
        if (active !== undefined) {
          agent = await core.agents.setActive(actor(req), req.params.id, active);
          if (!active) await closeSockets(agent.id);
        }
        return teamMember(agent!);
      },
    }),
    route({
      method: 'POST', url: '/console/api/agents/:id/password', summary: "Reset an agent's password (admins)", auth: 'agent',
      params: AgentParams, body: PasswordReset, responses: { 200: 'The agent and the generated password, shown once' },
      handler: async (req) => {
        const { agent, generated } = await core.agents.resetPassword(actor(req), req.params.id, req.body.password);
        await closeSockets(agent.id);
        // The generated password is shown once; the answer is no-store like every console answer.
        const body: PasswordResetResult = { agent: teamMember(agent), password: generated };
        return body;
      },
    }),
    route({
      method: 'POST', url: '/console/api/invites', summary: 'Invite an agent by email (admins): a pending account and a 72 h single-use link', auth: 'agent',
      body: NewInvite, responses: { 201: 'The pending agent' }, errors: ['conflict', 'unavailable'],
      handler: async (req, reply) => {
        const by = actor(req);
        if (by.agent.role !== 'admin') throw new ParleyError('forbidden', 'Only admins can invite agents.');
        const issued = await core.invites.invite(by, req.body);
        reply.code(201);
        return mailInvite(issued, by.agent);
      },
    }),
    route({
      method: 'POST', url: '/console/api/agents/:id/invite', summary: 'Send a pending agent a new invitation link (the old one stops working; admins)', auth: 'agent',
      params: AgentParams, responses: { 200: 'The pending agent' }, errors: ['conflict', 'unavailable'],
      handler: async (req) => mailInvite(await core.invites.resend(actor(req), req.params.id), signedIn(req)),
    }),
    route({
      method: 'DELETE', url: '/console/api/agents/:id/invite', summary: "Withdraw a pending agent's invitation link (admins)", auth: 'agent',
      params: AgentParams, responses: { 200: 'The pending agent' }, errors: ['conflict'],
      handler: async (req) => {
        const invite = await core.invites.revoke(actor(req), req.params.id);
        return teamMember((await core.agents.get(req.params.id))!, invite);
      },
    }),
    route({
      method: 'POST', url: '/console/api/invite/check', summary: 'Who an invitation link is for (its page)', auth: 'none', body: InviteCheck,
      responses: { 200: '{email, name, expiresAt}' }, errors: ['invite_invalid', 'invite_used', 'invite_expired', 'invite_revoked', 'rate_limited'],
      handler: (req, reply) => inviteAttempt(req, reply, async () => {
        const { agent, invite } = await core.invites.lookup(req.body.token);
        return { email: agent.email, name: agent.name, expiresAt: invite.expiresAt };
      }),
    }),
    route({
      method: 'POST', url: '/console/api/invite/accept', summary: 'Accept an invitation: set name and password, signed in', auth: 'none', body: InviteAccept,
      responses: { 200: 'Me, with a session cookie' }, errors: ['invite_invalid', 'invite_used', 'invite_expired', 'invite_revoked', 'rate_limited'],
      handler: (req, reply) => inviteAttempt(req, reply, async () => {
        const agent = await core.invites.accept(req.body.token, req.body);
        setSession(req, reply, agent);
        return me(agent);
      }),
    }),
    ...consoleProtectionRoutes(core, signedIn),
  ]);
}
