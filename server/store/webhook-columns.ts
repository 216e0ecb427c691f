/** A webhook's health before its first delivery. */
export const EMPTY_HEALTH = { lastResponseTime: 0, avgResponseTime: 0, lastSuccessAt: null, errorsSinceLastSuccess: 0, consecutiveFailures: 0 };

/**
 * WebhookPatch field → column and how its value is stored. JSON goes in as text (pg would
 * turn a JS array into a PostgreSQL array literal; SQLite has no JSON type).
 */
export const WEBHOOK_COLUMNS: Record<string, [string, (v: any) => unknown]> = {
  name: ['name', (v) => v],
  url: ['url', (v) => v],
  description: ['description', (v) => v ?? null],
  topics: ['topics', (v) => JSON.stringify(v)],
  status: ['status', (v) => v],
  secret: ['secret', (v) => v],
  headers: ['headers', (v) => JSON.stringify(v ?? {})],
  timeoutMs: ['timeout_ms', (v) => v],
  lastStatus: ['last_status', (v) => (v ? JSON.stringify(v) : null)],
  health: ['health', (v) => JSON.stringify(v)],
};
