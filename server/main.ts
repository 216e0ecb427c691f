#!/usr/bin/env node
import { runCli } from './cli/run.js';

// `node dist/server.js [command]`: the server by default, the operator's commands otherwise (server/cli/).
runCli(process.argv.slice(2)).then(
  (code) => {
    if (code !== null) process.exit(code);
  },
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
