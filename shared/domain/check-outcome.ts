/**
 * What one check of a connection came to.
 * `held`: a permanent answer not applied while the platform is not `ok` (re-checked later).
 * `deferred`: the platform's rate budget for this minute (or day) is spent; it stays due for the next tick.
 */
export type CheckOutcome = 'healthy' | 'refreshed' | 'expired' | 'expiring' | 'transient' | 'held' | 'skipped' | 'deferred';
