/** What one check of a connection came to. `held`: a permanent answer not applied while the platform is not `ok` (re-checked later). */
export type CheckOutcome = 'healthy' | 'refreshed' | 'expired' | 'expiring' | 'transient' | 'held' | 'skipped';
