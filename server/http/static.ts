import { createReadStream, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json; charset=utf-8',
};

/**
 * Serves the built public files (widget, demo page, console). Our pages get a strict CSP:
 * scripts and connections only from this server ('self' covers ws: and wss: to it). The
 * widget on customers' pages runs under their CSP, not this one.
 */
export function createStaticHandler(publicDir: string) {
  const root = normalize(publicDir + sep);
  return function serveStatic(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    let path = url.pathname;
    if (path.endsWith('/')) path += 'index.html';
    let file = normalize(join(root, decodeURIComponentSafe(path)));
    if (!file.startsWith(root)) return false;
    let stat = statOrNull(file);
    if (stat?.isDirectory()) {
      file = join(file, 'index.html');
      stat = statOrNull(file);
    }
    // Browsers ask for /favicon.ico on any page (even /healthz): answer with the SVG icon.
    if (!stat?.isFile() && url.pathname === '/favicon.ico') {
      file = join(root, 'favicon.svg');
      stat = statOrNull(file);
    }
    if (!stat?.isFile()) return false;
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    const headers: Record<string, string | number> = {
      'content-type': type,
      'content-length': stat.size,
      'x-content-type-options': 'nosniff',
      // Widget files are loaded cross-origin by customers' pages.
      'access-control-allow-origin': '*',
      'cache-control': cacheControl(file, type),
    };
    if (type.startsWith('text/html')) {
      headers['content-security-policy'] =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'self'";
      headers['referrer-policy'] = 'same-origin';
    }
    res.writeHead(200, headers);
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
    return true;
  };
}

/** Content-hashed chunks never change; entry files and pages must pick up new releases. */
function cacheControl(file: string, type: string): string {
  if (type.startsWith('text/html')) return 'no-cache';
  if (/-[A-Z0-9]{8}\.js$/.test(file)) return 'public, max-age=31536000, immutable';
  return 'public, max-age=300';
}

function statOrNull(file: string) {
  try {
    return statSync(file);
  } catch {
    return null;
  }
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
