import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';

export const CHROMIUM = '/usr/bin/chromium';

/** Whether the system Chromium is there; under CI=true its absence fails instead of skipping. */
export function haveChromium(what = 'this browser test'): boolean {
  if (existsSync(CHROMIUM)) return true;
  const msg = `\n!!! ${CHROMIUM} not found: ${what} is SKIPPED. Install Debian's chromium (never download a browser).\n`;
  if (process.env.CI === 'true') throw new Error(msg);
  console.warn(msg);
  return false;
}

/** Headless system Chromium, quiet. */
export const launchChromium = (): Promise<Browser> =>
  chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core in the page. Injected through the DevTools protocol (page.evaluate), which
 * the page's CSP does not govern, so the pages keep their real CSP during the whole test.
 * Serious and critical findings fail the test softly: the flow (and its screenshots) go on.
 */
export async function axe(page: Page, label: string) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const r = await (window as any).axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v: any) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 6).map((n: any) => `${n.target.join(' ')}: ${n.any[0]?.message ?? n.failureSummary}`),
    }));
  });
  const serious = result.filter((v: { impact: string }) => v.impact === 'serious' || v.impact === 'critical');
  expect.soft(serious, `${label}: serious or critical axe violations`).toEqual([]);
  return result;
}
