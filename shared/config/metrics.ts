/**
 * The service's CloudWatch metrics (EMF, namespace FlamelConnections): names and dimension keys are
 * defined here once and read by the use cases (through shared/ports/metrics.ts), the Powertools and
 * local adapters, and the stack's dashboard and alarms (infra/constructs/observability.ts).
 */
export const METRICS_NAMESPACE = 'FlamelConnections';

/** Powertools adds `service` to every metric's dimensions (the Lambda's POWERTOOLS_SERVICE_NAME). */
export const METRICS_SERVICE = 'flamel-connections';

export const DIMENSION_KEYS = ['platform', 'reason', 'outcome', 'kind', 'queue'] as const;
export type DimensionKey = (typeof DIMENSION_KEYS)[number];

/**
 * Each metric's full dimension set, and the coarser sets (rollups) it is also published under, so
 * an alarm can read "per platform" without a SEARCH expression (alarms may not use SEARCH).
 */
export const METRICS = {
  /** One per connection checked by the daily scan, by its outcome (CheckOutcome). */
  checks: { name: 'Checks', dimensions: ['platform', 'outcome'], rollups: [['platform'], []] },
  /** Checks put off to a later tick because the platform's rate budget (config/rate-budgets.ts) was spent. */
  checksDeferred: { name: 'ChecksDeferred', dimensions: ['platform'], rollups: [] },
  /** Tokens refreshed (scan or publish). */
  refreshes: { name: 'Refreshes', dimensions: ['platform'], rollups: [] },
  /** Episodes opened: a connection became expired, by its reason. */
  expiries: { name: 'Expiries', dimensions: ['platform', 'reason'], rollups: [['platform']] },
  /** Expired or expiring connections brought back by a reconnect. */
  restores: { name: 'Restores', dimensions: ['platform'], rollups: [] },
  /** A platform (or our token store) did not answer: retried later, nothing expired. `kind` is where. */
  transientFailures: { name: 'TransientFailures', dimensions: ['platform', 'kind'], rollups: [['platform']] },
  /** Owner emails sent, by notice kind (expired, expiring, restored, failed-posts). */
  emailsSent: { name: 'EmailsSent', dimensions: ['kind'], rollups: [] },
  /** Failed posts put back on the publish queue after a restore. */
  retriesPublished: { name: 'RetriesPublished', dimensions: ['platform'], rollups: [] },
  /** Records that go to their queue's DLQ (malformed, or failed on their last receive). */
  deadLettered: { name: 'DeadLetteredRecords', dimensions: ['queue', 'kind'], rollups: [['queue']] },
  /** Platform-wide incidents (outage suspected, our app refused: `integration_problem`). */
  platformIncidents: { name: 'PlatformIncidents', dimensions: ['platform', 'kind'], rollups: [['kind']] },
  /** A scan tick (hourly) started its run: one message per due-index segment is on its way. */
  scanRunsEnqueued: { name: 'ScanRunsEnqueued', dimensions: [], rollups: [] },
} as const satisfies Record<string, { name: string; dimensions: readonly DimensionKey[]; rollups: readonly (readonly DimensionKey[])[] }>;

export type MetricKey = keyof typeof METRICS;

/** The `kind` of PlatformIncidents that means the platform refuses our app itself (ours to fix). */
export const INTEGRATION_PROBLEM_INCIDENT = 'integration_problem';

/**
 * Expiry-rate alarm: in one hour, at least this many checks of a platform and at least this share
 * of them ending `expired`. A normal day expires a few percent at most (people change passwords one
 * at a time); a platform or parser change that expires a third of a platform at once crosses it.
 */
export const EXPIRY_SHARE_ALARM = { share: 0.1, minChecks: 20 } as const;

/** The scan alarms when no hourly tick has started a run for this long (three ticks missed in a row). */
export const SCAN_MISSING_AFTER_HOURS = 3;

/** Synth warns when the pinned LinkedIn API version sunsets within this many days. */
export const LINKEDIN_SUNSET_WARNING_DAYS = 60;
