import type { IncomingMessage, ServerResponse } from 'node:http';

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  query: URLSearchParams;
}

export type Handler<C extends RouteContext = RouteContext> = (ctx: C) => Promise<void> | void;

interface Route<C extends RouteContext> {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: Handler<C>;
}

/** A small method + path router: `/v2/contacts/:id/block`. */
export class Router<C extends RouteContext = RouteContext> {
  private readonly routes: Route<C>[] = [];

  on(method: string, path: string, handler: Handler<C>): this {
    const keys: string[] = [];
    const source = path.replace(/:([a-zA-Z]+)/g, (_, key: string) => {
      keys.push(key);
      return '([^/]+)';
    });
    this.routes.push({ method, pattern: new RegExp(`^${source}/?$`), keys, handler });
    return this;
  }

  /** The matching route, `'method'` when only the method is wrong, or null. */
  match(method: string, path: string): { handler: Handler<C>; params: Record<string, string> } | 'method' | null {
    let pathMatched = false;
    for (const route of this.routes) {
      const m = route.pattern.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (route.method !== method) continue;
      const params: Record<string, string> = {};
      route.keys.forEach((key, i) => {
        params[key] = safeDecode(m[i + 1]);
      });
      return { handler: route.handler, params };
    }
    return pathMatched ? 'method' : null;
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
