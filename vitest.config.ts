import { defineConfig } from 'vitest/config';

export default defineConfig({
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Browser and multi-process suites start servers; keep the 2-core machine responsive.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
