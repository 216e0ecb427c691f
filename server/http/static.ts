import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Security headers on every answer: nosniff everywhere, and for our pages a strict CSP:
 * scripts and connections only from this server ('self' covers ws: and wss: to it). The
 * widget on customers' pages runs under their CSP, not this one. Helmet's other defaults
 * stay off: e.g. Cross-Origin-Resource-Policy: same-origin would stop customers' pages
 * loading widget.js. Helmet's middleware is built once here: @fastify/helmet builds it again
 * for every request (options parsed each time), a cost every REST call paid.
 */
const applySecurityHeaders = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      frameAncestors: ["'self'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
    },
  },
  referrerPolicy: { policy: 'same-origin' },
  xContentTypeOptions: true,
  crossOriginEmbedderPolicy: false,
  crossOriginOpenerPolicy: false,
  crossOriginResourcePolicy: false,
  originAgentCluster: false,
  strictTransportSecurity: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xFrameOptions: false,
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false,
});

export function securityHeaders(app: FastifyInstance): void {
  app.addHook('onRequest', (req, reply, done) => applySecurityHeaders(req.raw, reply.raw, (err?: unknown) => done(err as Error | undefined)));
}

/** Content-hashed chunks never change; entry files and pages must pick up new releases. */
function cacheControl(file: string): string {
  if (file.endsWith('.html')) return 'no-cache';
  if (/-[A-Z0-9]{8}\.js$/.test(file)) return 'public, max-age=31536000, immutable';
  return 'public, max-age=300';
}

/** The built public files (widget, demo page, console), as they were at start. */
export async function publicFiles(app: FastifyInstance, publicDir: string): Promise<void> {
  await app.register(fastifyStatic, {
    root: publicDir,
    // One route per file (no catch-all), so unknown paths under /v2 reach the API's own 404.
    wildcard: false,
    cacheControl: false,
    setHeaders(reply, file) {
      // Widget files are loaded cross-origin by customers' pages.
      reply.header('access-control-allow-origin', '*');
      reply.header('cache-control', cacheControl(file));
    },
  });
  // A page directory without its trailing slash (/console) is that page, as before.
  for (const dir of readdirSync(publicDir, { withFileTypes: true })) {
    if (dir.isDirectory() && existsSync(join(publicDir, dir.name, 'index.html'))) {
      app.get(`/${dir.name}`, (_req, reply) => reply.sendFile(`${dir.name}/index.html`));
    }
  }
  // The console routes in the browser (/console/conversations/123): a reload or a shared link
  // gets its page. Not under /console/api, whose unknown paths keep the API's own 404.
  if (existsSync(join(publicDir, 'console', 'index.html'))) {
    const view = ':view(^(?!api$)[a-z][a-z-]{0,30}$)';
    for (const url of [`/console/${view}`, `/console/${view}/:id`]) app.get(url, (_req, reply) => reply.sendFile('console/index.html'));
  }
  // Browsers ask for /favicon.ico on any page (even /healthz): answer with the SVG icon.
  if (!existsSync(join(publicDir, 'favicon.ico')) && existsSync(join(publicDir, 'favicon.svg'))) {
    app.get('/favicon.ico', (_req, reply) => reply.sendFile('favicon.svg'));
  }
}
