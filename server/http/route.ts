import type { FastifyInstance, FastifyReply, FastifyRequest, preValidationHookHandler, RouteHandlerMethod } from 'fastify';
import * as v from 'valibot';
import type { ErrorCode } from '../../protocol/errors.js';
import type { ApiVersion } from '../config.js';
import { ParleyError } from '../core/errors.js';
import { describeIssues } from '../validation.js';

type Schema = v.GenericSchema;
type Input<S> = S extends Schema ? v.InferOutput<S> : undefined;

/** Who may call a route: the REST API key, a signed-in console agent, or anyone. */
export type RouteAuth = 'bearer' | 'agent' | 'none';

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: RouteAuth;
    /** Oldest Featurebase-Version that has the endpoint (checked in server/http/api-version.ts). */
    minVersion?: ApiVersion;
    /** The path parameters' schema (the 404 handler tells a known path from an unknown one with it). */
    paramsSchema?: v.GenericSchema;
  }
}

/**
 * One endpoint: what it is (for the route table and OpenAPI), what it takes (valibot
 * schemas, validated before the handler runs) and the handler, typed from the schemas.
 */
export interface RouteDef<P extends Schema | undefined = Schema | undefined, Q extends Schema | undefined = Schema | undefined, B extends Schema | undefined = Schema | undefined> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  summary: string;
  auth: RouteAuth;
  minVersion?: ApiVersion;
  /** Parley's own endpoint, not in Featurebase's API (OpenAPI `x-parley-extension`). */
  extension?: boolean;
  params?: P;
  query?: Q;
  body?: B;
  /** Success statuses and what they answer. */
  responses: Record<number, string>;
  /** Catalog codes this endpoint answers with beyond those every endpoint can. */
  errors?: ErrorCode[];
  /** Largest body this route reads (default: the server's MAX_HTTP_BODY_BYTES). */
  bodyLimit?: number;
  handler(req: FastifyRequest<{ Params: Input<P>; Querystring: Input<Q>; Body: Input<B> }>, reply: FastifyReply): Promise<unknown>;
}

/** Declares a route; the handler's params, query and body types come from the schemas. */
export const route = <P extends Schema | undefined = undefined, Q extends Schema | undefined = undefined, B extends Schema | undefined = undefined>(def: RouteDef<P, Q, B>): RouteDef => def as unknown as RouteDef;

function check(schema: Schema, input: unknown, invalid: (issues: v.BaseIssue<unknown>[]) => ParleyError): unknown {
  const result = v.safeParse(schema, input);
  if (!result.success) throw invalid(result.issues);
  return result.output;
}

const invalidPayload = (issues: v.BaseIssue<unknown>[]) => new ParleyError('invalid_payload', `Invalid request: ${describeIssues(issues)}.`);
const invalidId = (issues: v.BaseIssue<unknown>[]) =>
  new ParleyError('invalid_id', `"${String(issues[0].input).slice(0, 64)}" is not a valid id: ${issues[0].message}.`);

/**
 * The one place requests are validated: path parameters (invalid_id), then query, then body
 * (invalid_payload). A path that is another route's fixed path (`GET /v2/conversations/search`
 * reaching `GET /v2/conversations/:id`) is that route with the wrong method: 405.
 */
function validateInput(def: RouteDef, fixedPaths: ReadonlySet<string>): preValidationHookHandler | undefined {
  const { params, query, body } = def;
  if (!params && !query && !body) return undefined;
  return async (req) => {
    if (params) {
      const path = req.url.split('?')[0].replace(/\/$/, '');
      if (fixedPaths.has(path) && !v.is(params, req.params)) throw new ParleyError('method_not_allowed', `${req.method} is not allowed on ${path}.`);
      req.params = check(params, req.params, invalidId);
    }
    if (query) req.query = check(query, req.query, invalidPayload);
    // No body at all reads as {} (as an empty JSON object would), so optional bodies may be left out.
    if (body) req.body = check(body, req.body ?? {}, invalidPayload);
  };
}

/** Registers route definitions (full paths) on an app or a plugin context with a prefix. */
export function registerRoutes(app: FastifyInstance, defs: readonly RouteDef[]): void {
  const fixedPaths = new Set(defs.filter((d) => !d.url.includes(':')).map((d) => d.url));
  for (const def of defs) {
    app.route({
      method: def.method,
      url: def.url.slice(app.prefix.length),
      // The API answers HEAD like any other unlisted method: 405.
      exposeHeadRoute: false,
      ...(def.bodyLimit ? { bodyLimit: def.bodyLimit } : {}),
      config: { auth: def.auth, minVersion: def.minVersion, paramsSchema: def.params },
      preValidation: validateInput(def, fixedPaths),
      handler: def.handler as RouteHandlerMethod,
    });
  }
}
