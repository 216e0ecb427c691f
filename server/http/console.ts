import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import * as v from 'valibot';
import { MAX_PASSWORD_LENGTH, type MeDto, type PasswordResetResult, type TeamMemberDto } from '../../protocol/agents.js';
import { agentSession, signOut } from '../auth/agent-session.js';
import { isHttps, sameOrigin, sessionCookie, sessionFromHeaders, signSession } from '../auth/session.js';
import type { Config } from '../config.js';
import type { AgentActor, SignInResult } from '../core/agents.js';
import type { Core } from '../core/core.js';
import { ParleyError } from '../core/errors.js';
import { agentDto } from '../presenters/agents.js';
import type { AgentRecord } from '../store/store.js';
import { readJson } from './body.js';
import { sendError, sendJson, sendParleyError } from './respond.js';
import { Router, type RouteContext } from './router.js';
import { parse } from './schemas.js';
import { clientIp } from '../guard/client-ip.js';
import type { LimitName, RateLimiter } from '../guard/rate-limits.js';

interface ConsoleContext extends RouteContext {
  core: Core;
  body(): Promise<unknown>;
  /** The signed-in agent; throws `unauthorized` without a valid session. */
  agent(): Promise<AgentRecord>;
  secure: boolean;
  /** The client's address (server/guard/client-ip.ts). */
  ip: string;
}

const SignIn = v.object({
  email: v.pipe(v.string(), v.maxLength(320)),
  password: v.pipe(v.string(), v.maxLength(1024)),
});

const password = v.pipe(v.string(), v.maxLength(MAX_PASSWORD_LENGTH));
const NewAgent = v.object({
  email: v.pipe(v.string(), v.maxLength(320), v.email('must be an email address')),
  name: v.optional(v.pipe(v.string(), v.maxLength(255)), ''),
  role: v.picklist(['admin', 'agent']),
  password,
});
const AgentPatch = v.object({ active: v.boolean() });
const PasswordReset = v.optional(v.object({ password: v.optional(v.nullable(password)) }), {});
const PasswordChange = v.object({ currentPassword: password, newPassword: password });
const AGENT_ID = /^[0-9a-f]{24}$/;

/** The agent a request is signed in as, or null (see agentSession). */
async function agentFromHeaders(core: Core, key: Buffer, headers: IncomingMessage['headers']): Promise<AgentRecord | null> {
  return (await agentSession(core, key, sessionFromHeaders(headers)))?.agent ?? null;
}

const requestInfo = (ctx: ConsoleContext) => ({ ipAddress: ctx.ip, userAgent: ctx.req.headers['user-agent']?.slice(0, 300) ?? null });

/** Console sign-ins, successful or not, go to the audit log (`auth.login` / `auth.login_failed`). */
function recordSignIn(ctx: ConsoleContext, result: SignInResult, email: string) {
  const request = requestInfo(ctx);
  return ctx.core.audit.record({
    action: result.ok ? 'auth.login' : 'auth.login_failed',
    domain: 'authentication',
    description: result.ok
      ? `${result.agent.name} signed in to the console`
      : `Failed console sign-in for ${email.slice(0, 100)}${result.reason === 'deactivated' ? ' (account deactivated)' : ''}`,
    actor: result.ok ? { actorType: 'admin', actorId: result.agent.id, request } : { actorType: 'system', request },
    resource: result.ok ? { type: 'admin', id: result.agent.id, name: result.agent.name } : { type: 'admin', id: null, name: email.slice(0, 320) },
    metadata: result.ok ? {} : { reason: result.reason },
  });
}

const me = (core: Core, agent: AgentRecord): MeDto => ({ agent: agentDto(agent), canBlock: core.agents.canBlock(agent) });
const teamMember = (a: AgentRecord): TeamMemberDto => ({ ...agentDto(a), deactivatedAt: a.deactivatedAt });

/** 429 with Retry-After: the sign-in attempts of this address or account are spent for now. */
function tooManyAttempts(ctx: ConsoleContext, retryAfterMs: number) {
  const seconds = Math.ceil(retryAfterMs / 1000);
  sendError(ctx.res, 'rate_limited', `Too many failed sign-ins; try again in ${Math.ceil(seconds / 60)} min.`, { 'retry-after': String(seconds) });
}

function agentId(ctx: ConsoleContext): string {
  const id = ctx.params.id;
  if (!AGENT_ID.test(id)) throw new ParleyError('invalid_id', 'An agent id is 24 hex characters.');
  return id;
}

/**
 * `/console/api/*`: sign-in, sign-out, who am I, one's own password, and (admins) agent
 * accounts: add, deactivate, reactivate, reset password. JSON errors from the catalog.
 * `closeSockets` ends an agent's open console sockets on every process.
 */
export function createConsoleHandler(
  deps: { core: Core; config: Config; logger: Logger; limiter: RateLimiter },
  closeSockets: (agentId: string) => Promise<void> = async () => {},
) {
  const cookie = (ctx: ConsoleContext, agent: AgentRecord) => ({ 'set-cookie': sessionCookie(signSession(agent.id, agent.sessionEpoch, deps.config.keys.session), ctx.secure) });
  const actor = async (ctx: ConsoleContext): Promise<AgentActor> => ({ agent: await ctx.agent(), request: requestInfo(ctx) });
  // One point per address and per account is spent BEFORE the (slow) password check, so
  // parallel guesses cannot all reach it; a correct password gets both back.
  const attempt = (ip: string, email: string): [LimitName, string][] => [['signInFailuresPerIp', ip], ['signInFailuresPerAccount', email.trim().toLowerCase()]];

  const router = new Router<ConsoleContext>()
    .on('POST', '/console/api/session', async (ctx) => {
      const { email, password } = parse(SignIn, await ctx.body());
      const points = attempt(ctx.ip, email);
      const verdict = await deps.limiter.consume(points);
      if (!verdict.ok) return tooManyAttempts(ctx, verdict.retryAfterMs);
      const result = await ctx.core.agents.authenticate(email, password);
      await recordSignIn(ctx, result, email);
      // A deactivated account is answered like a wrong password: the answer never confirms a leaked one.
      if (!result.ok) throw new ParleyError('unauthorized', 'Wrong email or password.');
      await deps.limiter.refund(points);
      sendJson(ctx.res, 200, me(ctx.core, result.agent), cookie(ctx, result.agent));
    })
    .on('DELETE', '/console/api/session', async (ctx) => {
      // Revoke the session server-side too (every device of this agent), not just the cookie.
      const agentId = await signOut(ctx.core, deps.config.keys.session, sessionFromHeaders(ctx.req.headers));
      if (agentId) await closeSockets(agentId);
      sendJson(ctx.res, 200, { signedOut: true }, { 'set-cookie': sessionCookie(null, ctx.secure) });
    })
    .on('GET', '/console/api/me', async (ctx) => {
      sendJson(ctx.res, 200, me(ctx.core, await ctx.agent()));
    })
    .on('PUT', '/console/api/me/password', async (ctx) => {
      const by = await actor(ctx);
      const { currentPassword, newPassword } = parse(PasswordChange, await ctx.body());
      // The current-password check is a password check: same budget as sign-in (a stolen cookie must not guess).
      const points = attempt(ctx.ip, by.agent.email);
      const verdict = await deps.limiter.consume(points);
      if (!verdict.ok) return tooManyAttempts(ctx, verdict.retryAfterMs);
      const agent = await ctx.core.agents.changePassword(by, currentPassword, newPassword);
      await deps.limiter.refund(points);
      // Every other session (and socket) dies with the epoch; this one continues with a fresh cookie.
      await closeSockets(agent.id);
      sendJson(ctx.res, 200, me(ctx.core, agent), cookie(ctx, agent));
    })
    .on('GET', '/console/api/agents', async (ctx) => {
      await ctx.agent();
      sendJson(ctx.res, 200, { data: (await ctx.core.agents.list()).map(teamMember) });
    })
    .on('POST', '/console/api/agents', async (ctx) => {
      const by = await actor(ctx);
      if (by.agent.role !== 'admin') throw new ParleyError('forbidden', 'Only admins can add agents.');
      const input = parse(NewAgent, await ctx.body());
      sendJson(ctx.res, 201, teamMember(await ctx.core.agents.create(input, by)));
    })
    .on('PATCH', '/console/api/agents/:id', async (ctx) => {
      const by = await actor(ctx);
      const id = agentId(ctx);
      const { active } = parse(AgentPatch, await ctx.body());
      const agent = await ctx.core.agents.setActive(by, id, active);
      if (!active) await closeSockets(agent.id);
      sendJson(ctx.res, 200, teamMember(agent));
    })
    .on('POST', '/console/api/agents/:id/password', async (ctx) => {
      const by = await actor(ctx);
      const id = agentId(ctx);
      const input = parse(PasswordReset, await ctx.body());
      const { agent, generated } = await ctx.core.agents.resetPassword(by, id, input.password);
      await closeSockets(agent.id);
      const body: PasswordResetResult = { agent: teamMember(agent), password: generated };
      // The generated password is shown once: no cache may keep it.
      sendJson(ctx.res, 200, body, { 'cache-control': 'no-store' });
    });

  return async function handleConsole(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    try {
      // Cookie-authenticated writes must come from our own pages (SameSite=Lax does the rest).
      if (req.method !== 'GET' && req.method !== 'HEAD' && !sameOrigin(req.headers)) {
        return sendError(res, 'forbidden', 'Cross-origin requests to the console API are refused.');
      }
      const match = router.match(req.method ?? 'GET', url.pathname);
      if (match === null) return sendError(res, 'not_found', `No endpoint ${req.method} ${url.pathname}.`);
      if (match === 'method') return sendError(res, 'method_not_allowed', `${req.method} is not allowed on ${url.pathname}.`);
      let body: Promise<unknown> | undefined;
      const ctx: ConsoleContext = {
        req, res, params: match.params, query: url.searchParams, core: deps.core,
        ip: clientIp(req, deps.config.trustProxy),
        secure: isHttps(req.headers, !!(req.socket as TLSSocket).encrypted),
        body: () => (body ??= readJson(req)),
        agent: async () => {
          const agent = await agentFromHeaders(deps.core, deps.config.keys.session, req.headers);
          if (!agent) throw new ParleyError('unauthorized', 'Sign in to the console first.');
          return agent;
        },
      };
      await match.handler(ctx);
    } catch (err) {
      if (res.headersSent) return;
      if (!sendParleyError(res, err)) {
        deps.logger.error({ err, method: req.method, path: url.pathname }, 'console request failed');
        sendError(res, 'internal_error');
      }
    }
  };
}
