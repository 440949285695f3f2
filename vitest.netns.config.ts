// The suites that must run in a network namespace of their own (keyless signing outside GitHub
// Actions: cosign looks for Sigstore's public TUF repository when it signs). scripts/test.mjs runs
// them there (`unshare -n`, loopback only) as the netns tier; they are not in vitest.config.ts.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'netns',
    include: ['**/test/**/*.netns.ts'],
    exclude: ['**/node_modules/**'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // One file at a time: each starts a local Sigstore, and its timestamp authority must have the
    // namespace's port 2112 (its metrics; not configurable).
    fileParallelism: false,
    globalSetup: ['scripts/vitest-global-setup.ts'],
  },
});
