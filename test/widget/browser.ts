// Helpers for the widget's browser tests (test/browser/widget-*.test.ts): headless Chromium
// from the system and a customer "host page" with hostile CSS and a strict CSP.
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const root = join(import.meta.dirname, '../..');
export const artifacts = join(root, 'test-artifacts/widget');

/** True when Chromium is present; loud skip locally, failure on CI. */
export function haveChromium(): boolean {
  if (existsSync(CHROMIUM)) return true;
  const msg = `\n!!! ${CHROMIUM} not found: widget browser tests SKIPPED. Install Debian's chromium (never download a browser).\n`;
  if (process.env.CI === 'true') throw new Error(msg);
  console.warn(msg);
  return false;
}

export function launch(): Promise<Browser> {
  mkdirSync(artifacts, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
}

/** CSS a careless or hostile site might ship; none of it may reach the widget. */
export const HOSTILE_CSS = `
html { font-size: 6px !important; }
* { font-family: "Comic Sans MS", cursive !important; color: #f0f !important; box-sizing: content-box !important; line-height: 3 !important; letter-spacing: 2px !important; }
*, *::before, *::after { transition: all 3s !important; }
div, button, span, p, textarea, header, form { background: yellow !important; border: 4px dotted red !important; padding: 17px !important; margin: 9px !important; border-radius: 0 !important; width: auto !important; display: inline !important; }
button { transform: rotate(8deg) !important; }
parley-messenger, parley-messenger * { display: none !important; opacity: .1 !important; }
:host { display: none !important; }
svg { width: 200px !important; fill: red !important; }
body { margin: 0; font: 16px serif; background: #eef; }
main { max-width: 640px; margin: 40px auto; }
`;

/**
 * A customer page on its own origin: hostile CSS, the snippet in a same-origin file, and a
 * CSP that allows only this origin and the Parley server (no 'unsafe-inline', no eval).
 */
export async function hostPage(parleyUrl: string, boot: Record<string, unknown> = {}) {
  const ws = parleyUrl.replace(/^http/, 'ws');
  const csp = `default-src 'self'; script-src 'self' ${parleyUrl}; style-src 'self'; connect-src 'self' ${parleyUrl} ${ws}; img-src 'self' data:; base-uri 'none'; object-src 'none'`;
  const files: Record<string, [string, string]> = {
    '/': [
      'text/html; charset=utf-8',
      `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Hostile shop</title>
<link rel="stylesheet" href="/hostile.css"><script src="/snippet.js"></script><script async src="${parleyUrl}/widget.js"></script></head>
<body><main><h1>ACME hostile shop</h1><p>This page's CSS tries hard to break the widget.</p></main></body></html>`,
    ],
    '/hostile.css': ['text/css', HOSTILE_CSS],
    '/snippet.js': [
      'text/javascript',
      `window.Parley=window.Parley||function(){(Parley.q=Parley.q||[]).push(arguments)};\nParley('boot',${JSON.stringify({ server: parleyUrl, ...boot })});\nParley('onUnreadCountChange',function(n){document.title='('+n+') Hostile shop'});`,
    ],
  };
  const server = createServer((req, res) => {
    const f = files[new URL(req.url ?? '/', 'http://x').pathname];
    if (!f) return res.writeHead(req.url === '/favicon.ico' ? 204 : 404).end();
    res.writeHead(200, { 'content-type': f[0], 'content-security-policy': csp, 'cache-control': 'no-store' }).end(f[1]);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
