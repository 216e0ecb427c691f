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
