import { startLocalRuntime } from '../local/runtime.js';
import { BenchClient } from './local-client.js';

type Report = (name: string, value: number) => void;

const DAYS = 14;
const HOUR = 3_600_000;
const PLATFORMS = ['facebook', 'linkedin', 'x', 'tiktok'] as const;

interface SteadyState {
  checksPerConnectionDay: number;
  checkCallsPerConnectionDay: number;
  itemsReadPerRunPerConnection: number;
}

/**
 * 14 simulated days of the whole local system: each morning the daily scan (sometimes an hour late,
 * every other day two hours early), then, when `publishDaily`, one post per connection. Counts the
 * checks, the platform calls the scans made, and the due-index items each run read.
 */
async function simulate(perPlatform: number, publishDaily: boolean): Promise<SteadyState> {
  const rt = await startLocalRuntime({ port: 0, dailyScan: false, publishDueEveryMs: 0 });
  try {
    const client = new BenchClient(rt.url);
    await client.login('steady');
    const ws = await client.workspace('Steady');
    const connections: { connectionId: string; platform: string }[] = [];
    for (const platform of PLATFORMS) {
      for (let i = 0; i < perPlatform; i++) connections.push({ platform, connectionId: await client.connect(ws, platform, `${platform}-steady-${i}`) });
    }
    let checked = 0;
    let itemsRead = 0;
    let scanCalls = 0;
    for (let day = 0; day < DAYS; day++) {
      rt.clock.advanceMs(24 * HOUR + (day % 2 === 0 ? HOUR : -2 * HOUR));
      await client.login('steady');
      rt.sandbox.resetRequestCounts();
      const run = await client.json<{ checked: number; itemsRead: number }>('POST', '/local/scan');
      scanCalls += PLATFORMS.reduce((sum, p) => sum + rt.sandbox.requestCount(p), 0);
      checked += run.checked;
      itemsRead += run.itemsRead;
      if (!publishDaily) continue;
      for (const c of connections) {
        await client.call('POST', `/workspaces/${ws}/posts`, {
          connectionId: c.connectionId,
          text: `Day ${day + 1} on ${c.platform}`,
          publishAt: rt.clock.now().toISOString(),
          ...(c.platform === 'tiktok' ? { mediaUrl: 'https://cdn.example.test/clip.mp4', tiktok: { privacyLevel: 'SELF_ONLY' } } : {}),
        });
      }
      await client.call('POST', '/local/publish-due');
      await rt.drain();
    }
    const connectionDays = connections.length * DAYS;
    return { checksPerConnectionDay: round(checked / connectionDays), checkCallsPerConnectionDay: round(scanCalls / connectionDays), itemsReadPerRunPerConnection: round(itemsRead / connectionDays) };
  } finally {
    await rt.stop();
  }
}

/**
 * Issue 11: the daily scan in its steady state. Idle connections are checked once a day (goal 1.0);
 * connections that publish every day are proven by their publishes and cost no check call. Each run
 * reads about one due-index item per active connection (goal <= 1.05).
 */
export async function benchSteadyState(report: Report, perPlatform = Number(process.env.BENCH_STEADY_CONNECTIONS ?? 2)): Promise<void> {
  const idle = await simulate(perPlatform, false);
  const busy = await simulate(perPlatform, true);
  report('steady_checks_per_connection_day', idle.checksPerConnectionDay);
  report('steady_check_platform_calls_per_connection_day_idle', idle.checkCallsPerConnectionDay);
  report('steady_check_platform_calls_per_connection_day_publishing_daily', busy.checkCallsPerConnectionDay);
  report('steady_items_read_per_run_per_active_connection', idle.itemsReadPerRunPerConnection);
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
