import type { IncomingHttpHeaders } from 'node:http';
import { API_VERSIONS, type ApiVersion } from '../config.js';
import { ParleyError } from '../core/errors.js';

/** The request's Featurebase-Version (absent: the server's default); unknown versions are refused. */
export function resolveVersion(headers: IncomingHttpHeaders, fallback: ApiVersion): ApiVersion {
  const header = headers['featurebase-version'];
  if (header === undefined) return fallback;
  const value = Array.isArray(header) ? header[0] : header;
  if (!(API_VERSIONS as readonly string[]).includes(value)) {
    throw new ParleyError('unsupported_version', `Unsupported Featurebase-Version "${value.slice(0, 40)}"; use one of ${API_VERSIONS.join(', ')}.`);
  }
  return value as ApiVersion;
}

/** Refuses a request resolving to a version older than the endpoint's `minVersion` route option. */
export function requireVersion(version: ApiVersion, minVersion: ApiVersion | undefined): void {
  // Versions start with their release date, so they order as strings.
  if (minVersion && version < minVersion) {
    throw new ParleyError('version_not_available', `This endpoint is only available in API version ${minVersion} and newer; this request resolved to ${version}.`);
  }
}
