// Widget bytes (from dist/sizes.json, written by build.mjs) against the floor bundle.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { floorBundle } from '../floor-bundle.mjs';
import { ratio } from '../lib/stats.mjs';

export async function bundle(ctx) {
  const sizesFile = join(ctx.root, 'dist/sizes.json');
  const widget = existsSync(sizesFile) ? JSON.parse(readFileSync(sizesFile, 'utf8')) : {};
  const pick = (prefix) => Object.entries(widget).find(([f]) => f.startsWith(prefix))?.[1] ?? null;
  const loader = pick('widget.js');
  const app = pick('widget-app');
  const total = loader && app ? { raw: loader.raw + app.raw, gzip: loader.gzip + app.gzip, brotli: loader.brotli + app.brotli } : null;
  const floor = await floorBundle();
  return { widgetLoader: loader, widgetApp: app, widgetTotal: total, floor, floorAllTransports: await floorBundle({ websocketOnlyTransport: false }), widgetOverFloorGzip: ratio(total?.gzip, floor.gzip) };
}
