// The expiry tier: a keyless release through the local Sigstore, verified again once its
// certificates (Fulcio's: 10 minutes) have expired. It mostly waits, so scripts/test.mjs runs it
// beside the other tiers; not in vitest.config.ts.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'expiry',
    include: ['**/test/**/*.expiry.ts'],
    exclude: ['**/node_modules/**'],
    testTimeout: 900_000,
    hookTimeout: 300_000,
    pool: 'forks',
    globalSetup: ['scripts/vitest-global-setup.ts'],
  },
});
