import { PLATFORMS, type Platform } from '../config/platforms.js';
import { statusOf, platformStatusMessage, type IncidentCause, type PlatformHealth, type PlatformStatus } from '../domain/platform-status.js';
import type { Deps } from './deps.js';

export interface PlatformStatusView {
  platform: Platform;
  status: PlatformStatus;
  since?: string;
  message?: string;
}

/** `GET /platform-status`: every platform, `ok` or what is wrong since when, in words an owner can act on. */
export async function listPlatformStatuses(deps: Pick<Deps, 'store'>): Promise<PlatformStatusView[]> {
  return Promise.all(
    PLATFORMS.map(async (platform) => {
      const h = await deps.store.platformHealth.get(platform);
      const status = statusOf(h);
      if (status === 'ok') return { platform, status };
      const since = status === 'integration_problem' ? h?.integrationProblem?.since : h?.suspectedOutageSince;
      return { platform, status, ...(since ? { since } : {}), message: platformStatusMessage(platform, status) };
    }),
  );
}

/**
 * The platform refuses our app (or the blast-radius guard tripped): from now on nothing of it
 * expires and its posts wait. Recorded once (the first report keeps its `since`); operators are
 * told through the error log line (and its alarm).
 */
export async function reportIntegrationProblem(
  deps: Pick<Deps, 'store' | 'clock' | 'log' | 'metrics'>,
  platform: Platform,
  cause: IncidentCause,
  message: string,
  current?: PlatformHealth,
): Promise<void> {
  const h = current ?? (await deps.store.platformHealth.get(platform));
  if (h?.integrationProblem) return;
  const now = deps.clock.now().toISOString();
  await deps.store.platformHealth.put({ ...(h ?? { platform }), platform, integrationProblem: { since: now, cause, message: message.slice(0, 300) }, updatedAt: now });
  deps.metrics.count('platformIncidents', { platform, kind: 'integration_problem' });
  deps.log.error('platform integration problem: expiries held, posts waiting', { platform, cause, platformMessage: message.slice(0, 300) });
}

/** A call on the platform worked with our app: an integration problem is over. Held expiries are re-checked at their next check. */
export async function reportPlatformWorks(deps: Pick<Deps, 'store' | 'clock' | 'log'>, platform: Platform, current?: PlatformHealth): Promise<void> {
  const h = current ?? (await deps.store.platformHealth.get(platform));
  if (!h?.integrationProblem) return;
  const { integrationProblem, ...rest } = h;
  await deps.store.platformHealth.put({ ...rest, updatedAt: deps.clock.now().toISOString() });
  deps.log.info('platform integration problem cleared', { platform, cause: integrationProblem.cause, since: integrationProblem.since });
}
