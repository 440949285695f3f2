// The test tiers (scripts/test.mjs runs them in order, `npm test`):
// - unit: pure logic in-process (*.unit.test.ts): no tool, no child process, no server;
// - integration: everything against the real tools, registries and services (*.test.ts);
// - netns: keyless signing in a network namespace of its own (vitest.netns.config.ts, *.netns.ts).
import { defineConfig } from 'vitest/config';

const dirs = ['app', 'chart', 'pipeline', 'ci', 'policy'];

export default defineConfig({
  test: {
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: dirs.map((d) => `${d}/test/**/*.unit.test.ts`), setupFiles: ['scripts/vitest-unit-setup.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: dirs.map((d) => `${d}/test/**/*.test.ts`),
          exclude: ['**/node_modules/**', '**/*.unit.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          globalSetup: ['scripts/vitest-global-setup.ts'],
        },
      },
    ],
  },
});
