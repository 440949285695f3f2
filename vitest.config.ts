import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['app/test/**/*.test.ts', 'chart/test/**/*.test.ts', 'pipeline/test/**/*.test.ts', 'ci/test/**/*.test.ts', 'policy/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    globalSetup: ['scripts/vitest-global-setup.ts'],
  },
});
