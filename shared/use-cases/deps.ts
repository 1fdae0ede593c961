/** The logging surface use cases need (Powertools Logger satisfies it). */
export interface Log {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
  debug(message: string, extra?: Record<string, unknown>): void;
  /**
   * The same log with correlation keys (workspaceId, connectionId, episodeId, runId...) on every
   * line. A new Log, not a change of this one: connections checked concurrently keep their own keys.
   */
  with(keys: Record<string, string | undefined>): Log;
}
import type { Metrics } from '../ports/metrics.js';
import type { Clock, EventBus, IdGenerator, Mailer, QueueSender, TokenCipher } from '../ports/misc.js';
import type { PlatformRegistry } from '../ports/platform.js';
import type { Store } from '../ports/store.js';

export interface AppConfig {
  /** Where the callback sends the browser back (the Connected Accounts page). */
  dashboardOrigin: string;
  /** The API's public base URL: fixed OAuth redirect URIs are `${apiBaseUrl}/oauth/{platform}/callback`. */
  apiBaseUrl: string;
  /**
   * Origins a post's mediaUrl may use besides public https hosts (exact `scheme://host:port`); the
   * local runtime lists its own, where the sandbox serves media. Empty in AWS.
   */
  mediaOrigins?: readonly string[];
}

/** Everything a use case may depend on; each takes only the ports it needs (Pick<Deps, ...>). */
export interface Deps {
  store: Store;
  bus: EventBus;
  queues: QueueSender;
  mailer: Mailer;
  cipher: TokenCipher;
  platforms: PlatformRegistry;
  clock: Clock;
  ids: IdGenerator;
  config: AppConfig;
  log: Log;
  metrics: Metrics;
}

export function redirectUriFor(config: AppConfig, platform: string): string {
  return `${config.apiBaseUrl}/oauth/${platform}/callback`;
}
