import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Generous: on a loaded 2-core machine a property test or an end-to-end export runs 3-4 times
    // slower than on an idle one. A timeout here only catches a hang; behaviour is asserted inside.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // Most files wait on child processes and local servers rather than compute: two workers halve the
    // suite's wall time on a 2-core machine (138 s vs 261 s), and it held beside two CPU hogs.
    maxWorkers: 2,
    // google-auth-library probes the cloud metadata address when it finds no credentials: never
    // from a test (child processes get the same from test/e2e/harness.ts).
    env: { METADATA_SERVER_DETECTION: 'none' },
  },
});
