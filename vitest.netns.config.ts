// The suites that must run in a network namespace of their own (keyless signing outside GitHub
// Actions: cosign looks for Sigstore's public TUF repository when it signs). ci/test/netns.test.ts
// runs them there with `unshare -n`; they are not part of the main config's include list.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/test/**/*.netns.ts'],
    exclude: ['**/node_modules/**'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
  },
});
