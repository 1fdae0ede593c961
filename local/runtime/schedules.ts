import type { Context } from 'aws-lambda';
import { createDigestHandler } from '../../functions/scheduled/digest.js';
import { createExpiryScanHandler } from '../../functions/scheduled/expiry-scan.js';
import { createPublishDueHandler } from '../../functions/scheduled/publish-due.js';
import { createReconcileHandler } from '../../functions/scheduled/reconcile.js';
import { FUNCTIONS, type FunctionName } from '../../shared/config/functions.js';
import { DAILY_SCAN, RECONCILE } from '../../shared/config/messaging.js';
import type { Deps } from '../../shared/use-cases/deps.js';
import type { DigestSummary } from '../../shared/use-cases/digest.js';
import type { ReconcileSummary } from '../../shared/use-cases/reconcile.js';
import { scanRunSummary } from '../../shared/use-cases/scan.js';
import { lambdaContext } from '../api-gateway.js';
import { startDailyTimer, type DailyTimer, type MovableClock } from '../services/clock.js';

export type ScanSummary = Awaited<ReturnType<typeof scanRunSummary>>;

/** The scheduled functions (EventBridge Scheduler in AWS), run by the local clock or on demand. */
export interface LocalSchedules {
  /** The daily scan now, then every check it queued, then its run's counts (one run at a time). */
  scan(): Promise<ScanSummary>;
  publishDue(): Promise<{ enqueued: number }>;
  /** One run of the reconciliation now (never two at once). */
  reconcile(): Promise<ReconcileSummary>;
  digest(): Promise<DigestSummary>;
  stop(): Promise<void>;
}

export interface ScheduleOptions {
  clock: MovableClock;
  /** Each function's own ports (its IAM role's reach). */
  depsOf(fn: FunctionName): Deps;
  /** Reads the scan run's counts (not a function's: the local runtime's own view). */
  store: Deps['store'];
  log: Deps['log'];
  drain(): Promise<boolean>;
  /** Fire the daily scan when the local clock crosses its hour. */
  dailyScan: boolean;
  /** publish-due every this many ms (0: only on demand); the reconciliation rides on its timer. */
  publishDueEveryMs: number;
}

/** A scheduled handler invoked as Scheduler invokes it: no payload worth reading, a Lambda context of its function. */
function invoker<R>(fn: FunctionName, handler: (event: unknown, context: Context) => Promise<R>): () => Promise<R> {
  return () => handler(undefined, lambdaContext(fn, FUNCTIONS[fn].timeoutSeconds));
}

/** The deployed handlers' factories (functions/scheduled/*), each with its function's own permissions. */
export function startLocalSchedules(o: ScheduleOptions): LocalSchedules {
  const runExpiryScan = invoker('expiryScan', createExpiryScanHandler(o.depsOf('expiryScan')));
  const publishDue = invoker('publishDue', createPublishDueHandler(o.depsOf('publishDue')));
  const runReconcile = invoker('reconcile', createReconcileHandler(o.depsOf('reconcile')));
  const digest = invoker('digest', createDigestHandler(o.depsOf('digest')));

  let scanning: Promise<unknown> = Promise.resolve();
  const scan = (): Promise<ScanSummary> => {
    const run = scanning.then(async () => {
      const { runId } = await runExpiryScan();
      await o.drain();
      return scanRunSummary({ store: o.store }, runId);
    });
    scanning = run.catch(() => undefined);
    return run;
  };

  let reconciling: Promise<unknown> = Promise.resolve();
  const reconcile = (): Promise<ReconcileSummary> => {
    const run = reconciling.then(runReconcile);
    reconciling = run.catch((error: unknown) => o.log.error('local reconciliation failed', { error: String(error) }));
    return run;
  };

  const dailyTimer: DailyTimer | undefined = o.dailyScan
    ? startDailyTimer(o.clock, DAILY_SCAN.hourUtc, async (scheduledAt) => {
        // A jump of several days fires once per day; scanning "now" once covers them all.
        if (o.clock.now().getTime() - scheduledAt.getTime() > 86_400_000) return;
        await scan();
      })
    : undefined;

  // The reconciliation rides on publish-due's timer: one run whenever RECONCILE.everyMinutes of local
  // time passed since the last one, as its schedule does in AWS.
  let reconciledAt = o.clock.now().getTime();
  const publishTimer =
    o.publishDueEveryMs > 0
      ? setInterval(() => {
          void publishDue().catch(() => undefined);
          if (o.clock.now().getTime() - reconciledAt < RECONCILE.everyMinutes * 60_000) return;
          reconciledAt = o.clock.now().getTime();
          void reconcile().catch(() => undefined);
        }, o.publishDueEveryMs)
      : undefined;

  return {
    scan,
    publishDue,
    reconcile,
    digest,
    stop: async () => {
      if (publishTimer) clearInterval(publishTimer);
      await dailyTimer?.stop();
      await reconciling;
    },
  };
}
