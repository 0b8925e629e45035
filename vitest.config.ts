// Vitest configuration: test/**/*.test.ts in forked workers sized for a 2-core machine.
// test/global-setup.ts provides Redis and MongoDB URLs (see test/support/services.ts); vitest.static.config.ts
// is this without it, for the checks that need no server.
import { defineConfig } from 'vitest/config';
import LongestFirstSequencer from './test/support/longest-first-sequencer.ts';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['./test/global-setup.ts'],
    pool: 'forks',
    poolOptions: { forks: { minForks: 1, maxForks: 2 } },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
    // expect.poll waits on real processes (a page's request, a worker's job): 1 s, its default, is
    // too short on a loaded 2-core machine, and a passing poll returns as soon as it passes.
    expect: { poll: { timeout: 5_000 } },
    // The slow end-to-end files first, so that neither fork idles through a long tail.
    sequence: { sequencer: LongestFirstSequencer },
    restoreMocks: true,
    unstubEnvs: true,
  },
});
