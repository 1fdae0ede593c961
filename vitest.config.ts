import { defineConfig } from 'vitest/config';

const env = { POWERTOOLS_LOG_LEVEL: 'CRITICAL', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

/** System tests that mock modules or change the process's environment: each gets a fresh module graph. */
const NEEDS_ISOLATION = [
  'test/integration/local-services/scheduled-handlers.test.ts',
  'test/integration/security/input-logs.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two cores: integration files each start servers; keep them from starving each other.
    maxWorkers: 3,
    env,
    projects: [
      {
        // Pure code and use cases on in-memory fakes: no dynalite, and one module graph per worker
        // (no per-file isolation) since these files share no mutable state.
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], isolate: false },
      },
      {
        // Everything that starts a server, a runtime or a browser: one dynalite for the whole run. Each
        // file starts its own runtime, so files share only the (stateless) modules: importing them once
        // per worker instead of once per file saves seconds a file.
        extends: true,
        test: {
          name: 'system',
          include: ['test/**/*.test.ts'],
          exclude: ['test/unit/**', ...NEEDS_ISOLATION],
          globalSetup: ['test/helpers/global-setup.ts'],
          isolate: false,
        },
      },
      {
        extends: true,
        test: { name: 'system-isolated', include: NEEDS_ISOLATION, globalSetup: ['test/helpers/global-setup.ts'] },
      },
    ],
  },
});
