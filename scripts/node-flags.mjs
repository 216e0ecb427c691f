// The V8 flags Parley runs with, written once in package.json (`config.nodeFlags`): npm's
// scripts read them as $npm_package_config_nodeFlags, the build puts them in the bin's
// shebang, and the cluster script and the bench start the server with them.
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

/** e.g. `['--max-semi-space-size=32']`. */
export const nodeFlags = String(pkg.config?.nodeFlags ?? '').split(/\s+/).filter(Boolean);
