import { z } from 'zod';
import { METRICS_NAMESPACE } from '../../shared/config/metrics.js';
import type { LocalAuth } from '../auth.js';
import type { LocalRequest, LocalResponse } from '../http-types.js';
import type { MovableClock } from '../services/clock.js';
import type { LocalEmail } from '../services/email.js';
import type { LocalEventBus } from '../services/event-bus.js';
import type { CountingMetrics } from '../services/metrics.js';
import type { LocalSchedules } from './schedules.js';
import { errorResponse, jsonResponse } from './server.js';

export interface LocalRouteParts {
  auth: LocalAuth;
  clock: MovableClock;
  /** Called after the clock moved (with a data folder it is kept). */
  clockMoved(): void;
  schedules: LocalSchedules;
  drain(): Promise<boolean>;
  email: LocalEmail;
  bus: LocalEventBus;
  metrics: CountingMetrics;
}

function safeJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** `/local/...`: what a person (or a test) needs locally and AWS has elsewhere: sign-in, the clock, the schedules, the outbox. */
export function localRoutes(p: LocalRouteParts): Record<string, (req: LocalRequest) => Promise<LocalResponse>> {
  return {
    'POST /local/login': async (req) => {
      const parsed = z.object({ userId: z.string().min(1).max(128), email: z.string().email() }).safeParse(safeJson(req.body));
      if (!parsed.success) return errorResponse(400, 'VALIDATION_FAILED', 'Send {"userId": "...", "email": "..."}.');
      return jsonResponse(200, { token: await p.auth.issue(parsed.data.userId, parsed.data.email) });
    },
    'POST /local/scan': async () => jsonResponse(200, await p.schedules.scan()),
    'POST /local/publish-due': async () => {
      const out = await p.schedules.publishDue();
      await p.drain();
      return jsonResponse(200, out);
    },
    'POST /local/drain': async () => ((await p.drain()) ? jsonResponse(200, { drained: true }) : errorResponse(504, 'INTERNAL', 'Work is still in flight after 120 s.')),
    'POST /local/clock': async (req) => {
      const parsed = z.object({ advanceDays: z.number().min(0).max(3650) }).safeParse(safeJson(req.body));
      if (!parsed.success) return errorResponse(400, 'VALIDATION_FAILED', 'Send {"advanceDays": <number of days, 0 to 3650>}.');
      p.clock.advanceDays(parsed.data.advanceDays);
      p.clockMoved();
      return jsonResponse(200, { now: p.clock.now().toISOString() });
    },
    'GET /local/clock': async () => jsonResponse(200, { now: p.clock.now().toISOString() }),
    'GET /local/outbox': async () => jsonResponse(200, { emails: await p.email.outbox() }),
    'GET /local/events': async () => jsonResponse(200, { events: p.bus.events() }),
    'GET /local/metrics': async () => jsonResponse(200, { namespace: METRICS_NAMESPACE, metrics: p.metrics.snapshot() }),
    // The weekly digest now (its Scheduler schedule in AWS).
    'POST /local/digest': async () => jsonResponse(200, await p.schedules.digest()),
  };
}
