/**
 * Whether a page at `origin` may open the messenger. An empty allowlist allows any site;
 * the server's own pages (the demo) are always allowed. Clients that send no Origin
 * (servers, scripts) are not browsers embedding the widget and are let through: the
 * allowlist stops other sites from embedding the widget, not determined attackers.
 */
export function originAllowed(origin: string | undefined, allowed: string[], host: string | undefined): boolean {
  if (!origin || allowed.length === 0) return true;
  if (allowed.includes('*') || allowed.includes(origin)) return true;
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}
