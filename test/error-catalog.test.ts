import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERRORS } from '../protocol/errors.js';

const doc = readFileSync(new URL('../docs/API.md', import.meta.url), 'utf8');

describe('the error catalog', () => {
  it('documents every code with its HTTP status in docs/API.md', () => {
    for (const [code, { status }] of Object.entries(ERRORS)) {
      expect(doc, `docs/API.md lacks ${code}`).toMatch(new RegExp(`\\| \`${code}\` \\| ${status} \\|`));
    }
  });

  it('uses every code somewhere in the server (no dead entries)', () => {
    const sources = execSync('grep -rhoE "\'[a-z_]+\'" server', { cwd: new URL('..', import.meta.url).pathname, encoding: 'utf8' });
    for (const code of Object.keys(ERRORS)) expect(sources, `${code} is never used`).toContain(`'${code}'`);
  });

  it('maps every code to a status the featurebase-node SDK understands', () => {
    for (const { status } of Object.values(ERRORS)) expect([400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500, 503]).toContain(status);
  });
});
