import { defineConfig } from 'vitest/config';

// Two tiers that mirror the source tree (test/unit/<zone>/…, test/integration/<zone>/…).
// Unit tests run in Node, renderer ones in jsdom; integration tests talk to the real sandbox
// over loopback and to the real keychain, so they run one file at a time.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/lint/**/*.test.ts'],
          exclude: ['test/unit/renderer/**'],
          environment: 'node',
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'unit-dom',
          include: ['test/unit/renderer/**/*.test.{ts,tsx}'],
          environment: 'jsdom',
        },
      },
      {
        test: {
          name: 'integration',
          // Every sandbox these tests start records its exchanges for the conformance step.
          env: {
            SSO_CONSOLE_SANDBOX_RECORD_DIR: `${import.meta.dirname}/test-results/sandbox-exchanges`,
          },
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
    ],
  },
});
