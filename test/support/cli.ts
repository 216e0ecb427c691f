import { execFile } from 'node:child_process';

const SERVER = new URL('../../dist/server.js', import.meta.url).pathname;

/** Runs `node dist/server.js <args>` (the `parley` bin) to its end: exit code and what it printed. */
export function parley(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [SERVER, ...args], { env: { ...process.env, LOG_LEVEL: 'warn', ...env }, timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
