import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    allowOnly: false,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    env: { METADATA_SERVER_DETECTION: 'none', LOG_LEVEL: 'silent' },
  },
});
