import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'app',
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    // Two files at a time, in the same two lanes as the platform's files (vitest.config.mts): a
    // project of its own worker count would run after the platform's, one file at a time.
    maxWorkers: 2,
    // As the platform's files (vitest.config.mts): a worker keeps its modules between files.
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
  },
});
