import { toJsonSchema } from '@valibot/to-json-schema';
import type * as v from 'valibot';
import { ERRORS, type ErrorCode } from '../../protocol/errors.js';
import { API_VERSIONS } from '../config.js';
import type { RouteDef } from './route.js';

type Json = Record<string, unknown>;

// Transforms and custom checks have no JSON Schema form; the document states the rest.
// OpenAPI 3.1 schemas are JSON Schema 2020-12 already: no `$schema` on each.
function jsonSchema(schema: v.GenericSchema): Json {
  const { $schema: _dialect, ...rest } = toJsonSchema(schema, { target: 'draft-2020-12', errorMode: 'ignore' }) as Json;
  return rest;
}

/** What any endpoint may answer, whatever it does. */
const COMMON_ERRORS: ErrorCode[] = ['unauthorized', 'unsupported_version', 'invalid_json', 'invalid_payload', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'internal_error'];

function parameters(schema: v.GenericSchema | undefined, where: 'path' | 'query'): Json[] {
  if (!schema) return [];
  const { properties = {}, required = [] } = jsonSchema(schema) as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(properties).map(([name, s]) => ({ name, in: where, required: where === 'path' || required.includes(name), schema: s }));
}

function errorResponses(codes: ErrorCode[]): Record<string, Json> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) byStatus.set(ERRORS[code].status, [...(byStatus.get(ERRORS[code].status) ?? []), code]);
  return Object.fromEntries([...byStatus].map(([status, list]) => [status, {
    description: list.map((c) => `\`${c}\`: ${ERRORS[c].message}`).join(' '),
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  }]));
}

function operation(def: RouteDef): Json {
  const errors = [...COMMON_ERRORS, ...(def.params ? ['invalid_id' as const] : []), ...(def.minVersion ? ['version_not_available' as const] : []), ...(def.errors ?? [])];
  return {
    summary: def.summary,
    ...(def.minVersion ? { description: `Only available in API version ${def.minVersion} and newer.`, 'x-min-version': def.minVersion } : {}),
    ...(def.extension ? { 'x-parley-extension': true } : {}),
    security: def.auth === 'bearer' ? [{ apiKey: [] }] : [],
    parameters: [
      ...parameters(def.params, 'path'),
      ...parameters(def.query, 'query'),
      { name: 'Featurebase-Version', in: 'header', required: false, schema: { type: 'string', enum: [...API_VERSIONS] } },
    ],
    ...(def.body ? { requestBody: { required: def.body.type !== 'optional', content: { 'application/json': { schema: jsonSchema(def.body) } } } } : {}),
    responses: {
      ...Object.fromEntries(Object.entries(def.responses).map(([status, description]) => [status, { description, content: { 'application/json': { schema: { type: 'object' } } } }])),
      ...errorResponses(errors),
    },
  };
}

/** The OpenAPI 3.1 document of the REST routes, from their definitions and schemas. */
export function openApiDocument(defs: readonly RouteDef[]): Json {
  const paths: Record<string, Json> = {};
  for (const def of defs) {
    const path = def.url.replace(/:([A-Za-z]+)/g, '{$1}');
    paths[path] = { ...paths[path], [def.method.toLowerCase()]: operation(def) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Parley REST API',
      version: API_VERSIONS[0],
      description: "Wire-compatible with Featurebase's v2 contacts and conversations API (featurebase-node), plus Parley's block extensions. See docs/API.md.",
    },
    paths,
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'PARLEY_API_KEY' } },
      schemas: {
        Error: {
          type: 'object',
          required: ['object', 'code', 'message'],
          properties: { object: { const: 'error' }, code: { enum: Object.keys(ERRORS) }, message: { type: 'string' } },
        },
      },
    },
  };
}
