import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Builds web/dist once when it is missing or stale (the local stack serves it; browser tests use it).
    globalSetup: ['test/support/build-web.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Quiet unless asked (POWERTOOLS_LOG_LEVEL=DEBUG npx vitest …): the handlers log warnings and
    // errors only; no EMF metric lines (test/unit/platform.test.ts turns them on), no tracing.
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
      POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
      POWERTOOLS_TRACE_ENABLED: 'false',
    },
  },
});
