// The console's JSON calls to /console/api beyond sign-in (team, own password). Errors carry
// the server's catalog message, ready to show.

/** Calls `/console/api${path}`; resolves with the JSON answer, rejects with a message to show. */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`/console/api${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new Error('The server cannot be reached.');
  }
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error((json as { message?: string }).message ?? `The request failed (${res.status}).`);
  return json as T;
}

/**
 * A refused body's problems by field path (`hours.1.close` → "must be after the opening
 * time"), read from the catalog's `invalid_payload` message ("Invalid request: path: problem;
 * …", server/validation.ts). Problems without a path are left to the whole message.
 */
export function fieldErrors(message: string): Record<string, string> {
  const m = /^Invalid request: (.*)\.$/.exec(message);
  if (!m) return {};
  const out: Record<string, string> = {};
  for (const part of m[1]!.split('; ')) {
    const at = part.indexOf(': ');
    if (at > 0 && /^[\w.]+$/.test(part.slice(0, at))) out[part.slice(0, at)] ??= part.slice(at + 2);
  }
  return out;
}
