import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'platform', include: ['test/**/*.test.ts'], testTimeout: 60_000 } },
      'app',
    ],
  },
});
