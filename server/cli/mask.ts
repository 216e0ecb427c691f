/** A secret set by the operator is never printed whole: enough to recognise it, no more. */
export const maskSecret = (secret: string) => `${secret.slice(0, 6)}…`;

/** `scheme://user:***@host/…`: the password of a connection URL masked, the rest kept. */
export function maskUrlPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.password) return url;
    parsed.password = '***';
    return parsed.toString();
  } catch {
    // Not a URL the parser takes: mask everything between the scheme and the last '@'.
    return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^/]*)@/i, (_m, scheme: string, auth: string) => `${scheme}${auth.split(':')[0]}:***@`);
  }
}
