import { defineConfig } from 'vitest/config';

const env = { POWERTOOLS_LOG_LEVEL: 'CRITICAL', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two cores: integration files each start servers; keep them from starving each other.
    maxWorkers: 2,
    env,
    projects: [
      {
        // Pure code and use cases on in-memory fakes: no dynalite, and one module graph per worker
        // (no per-file isolation) since these files share no mutable state.
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], isolate: false },
      },
      {
        // Everything that starts a server, a runtime or a browser: one dynalite for the whole run.
        extends: true,
        test: { name: 'system', include: ['test/**/*.test.ts'], exclude: ['test/unit/**'], globalSetup: ['test/helpers/global-setup.ts'] },
      },
    ],
  },
});
