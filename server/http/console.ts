import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import * as v from 'valibot';
import type { MeDto } from '../../protocol/agents.js';
import { isHttps, sameOrigin, sessionCookie, sessionFromHeaders, signSession, verifySession } from '../auth/session.js';
import type { Config } from '../config.js';
import type { Core } from '../core/core.js';
import { ParleyError } from '../core/errors.js';
import { agentDto } from '../realtime/agents-dto.js';
import type { AgentRecord } from '../store/store.js';
import { readJson } from './body.js';
import { sendError, sendJson, sendParleyError } from './respond.js';
import { Router, type RouteContext } from './router.js';
import { parse } from './schemas.js';
import { clientIp } from '../guard/client-ip.js';
import type { RateLimiter } from '../guard/rate-limits.js';

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

const NewAgent = v.object({
  email: v.pipe(v.string(), v.maxLength(320), v.email('must be an email address')),
  name: v.optional(v.pipe(v.string(), v.maxLength(255)), ''),
  role: v.picklist(['admin', 'agent']),
  password: v.pipe(v.string(), v.maxLength(1024)),
});


/** The agent a request or socket handshake is signed in as, or null. */
export async function agentFromHeaders(core: Core, key: Buffer, headers: IncomingMessage['headers']): Promise<AgentRecord | null> {
  const token = sessionFromHeaders(headers);
  const session = token ? verifySession(token, key) : null;
  if (!session) return null;
  const agent = await core.agents.get(session.agentId);
  // A token from before the agent's last sign-out is dead.
  return agent && agent.sessionEpoch === session.epoch ? agent : null;
}

/** Console sign-ins, successful or not, go to the audit log (`auth.login` / `auth.login_failed`). */
function recordSignIn(ctx: ConsoleContext, agent: AgentRecord | null, email: string) {
  const request = { ipAddress: ctx.ip, userAgent: ctx.req.headers['user-agent']?.slice(0, 300) ?? null };
  return ctx.core.audit.record({
    action: agent ? 'auth.login' : 'auth.login_failed',
    domain: 'authentication',
    description: agent ? `${agent.name} signed in to the console` : `Failed console sign-in for ${email.slice(0, 100)}`,
    actor: agent ? { actorType: 'admin', actorId: agent.id, request } : { actorType: 'system', request },
    resource: agent ? { type: 'admin', id: agent.id, name: agent.name } : { type: 'admin', id: null, name: email.slice(0, 320) },
  });
}

const me = (core: Core, agent: AgentRecord): MeDto => ({ agent: agentDto(agent), canBlock: core.agents.canBlock(agent) });

/** `/console/api/*`: sign-in, sign-out, who am I, and (admins) agent accounts. JSON errors from the catalog. */
export function createConsoleHandler(deps: { core: Core; config: Config; logger: Logger; limiter: RateLimiter }, onSignOut?: (agentId: string) => void) {
  const router = new Router<ConsoleContext>()
    .on('POST', '/console/api/session', async (ctx) => {
      // Failed sign-ins per address (shared through Redis with several processes) stop guessing.
      const { ip } = ctx;
      if (!(await deps.limiter.peek('signInFailuresPerIp', ip)).ok) {
        throw new ParleyError('rate_limited', 'Too many failed sign-ins; try again in a few minutes.');
      }
      const { email, password } = parse(SignIn, await ctx.body());
      const agent = await ctx.core.agents.authenticate(email, password);
      await recordSignIn(ctx, agent, email);
      if (!agent) {
        await deps.limiter.consume([['signInFailuresPerIp', ip]]);
        throw new ParleyError('unauthorized', 'Wrong email or password.');
      }
      sendJson(ctx.res, 200, me(ctx.core, agent), { 'set-cookie': sessionCookie(signSession(agent.id, agent.sessionEpoch, deps.config.keys.session), ctx.secure) });
    })
    .on('DELETE', '/console/api/session', async (ctx) => {
      // Revoke the session server-side too (every device of this agent), not just the cookie.
      const agent = await agentFromHeaders(ctx.core, deps.config.keys.session, ctx.req.headers);
      if (agent) {
        await ctx.core.store.bumpSessionEpoch(agent.id);
        onSignOut?.(agent.id);
      }
      sendJson(ctx.res, 200, { signedOut: true }, { 'set-cookie': sessionCookie(null, ctx.secure) });
    })
    .on('GET', '/console/api/me', async (ctx) => {
      sendJson(ctx.res, 200, me(ctx.core, await ctx.agent()));
    })
    .on('GET', '/console/api/agents', async (ctx) => {
      await ctx.agent();
      sendJson(ctx.res, 200, { data: (await ctx.core.agents.list()).map(agentDto) });
    })
    .on('POST', '/console/api/agents', async (ctx) => {
      const admin = await ctx.agent();
      if (admin.role !== 'admin') throw new ParleyError('forbidden', 'Only admins can add agents.');
      const input = parse(NewAgent, await ctx.body());
      sendJson(ctx.res, 201, agentDto(await ctx.core.agents.create(input)));
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
