import { describe, expect, it } from 'vitest';
import { lazyHandler, type HandlerExtras } from '../../functions/lib/runtime.js';
import { lambdaContext } from '../../local/api-gateway.js';
import type { Deps } from '../../shared/use-cases/deps.js';

// The one Lambda context the tests use: the local runtime's (a whole Context, not an empty cast).
const context = lambdaContext('lazy-handler-test', 30);
const deps = {} as Deps;
const extras = {} as HandlerExtras;

describe('lazyHandler (the Lambda entry point)', () => {
  it('does not keep a failed cold start: the next invocation builds again', async () => {
    let builds = 0;
    const handler = lazyHandler(
      () => async (event: string) => `handled ${event}`,
      async () => {
        builds++;
        if (builds === 1) throw new Error('Secrets Manager: throttled');
        return { deps, extras, refreshPlatforms: async () => undefined };
      },
    );
    await expect(handler('a', context)).rejects.toThrow('throttled');
    await expect(handler('b', context)).resolves.toBe('handled b');
    await expect(handler('c', context)).resolves.toBe('handled c');
    expect(builds).toBe(2);
  });

  it('builds once while warm and refreshes the platform credentials before every invocation', async () => {
    let builds = 0;
    let refreshes = 0;
    const handler = lazyHandler(
      () => async () => refreshes,
      async () => {
        builds++;
        return { deps, extras, refreshPlatforms: async () => void refreshes++ };
      },
    );
    expect(await Promise.all([handler(undefined, context), handler(undefined, context)])).toHaveLength(2);
    await handler(undefined, context);
    expect(builds).toBe(1);
    expect(refreshes).toBe(3);
  });
});
