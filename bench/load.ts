import autocannon from 'autocannon';
import { startLocalRuntime } from '../local/runtime.js';
import { BenchClient } from './local-client.js';

type Report = (name: string, value: number) => void;

/** Bounded in count and time, against 127.0.0.1 only. */
const DURATION_SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 5);
const CONNECTIONS = 10;
const MAX_REQUESTS = 20_000;

/**
 * Issue 10: a bounded local load run of Connected Accounts (signed in, a workspace with five
 * accounts) and of the OAuth callback (anonymous, unknown states: what a flood looks like).
 * Latency percentiles and errors: for Connected Accounts anything but 200, for the callback
 * anything but the 302 back to the dashboard.
 */
export async function benchLoad(report: Report): Promise<void> {
  const rt = await startLocalRuntime({ port: 0, dailyScan: false, publishDueEveryMs: 0 });
  try {
    const client = new BenchClient(rt.url);
    const token = await client.login('load');
    const workspaceId = await client.workspace('Load');
    for (let i = 0; i < 5; i++) await client.connect(workspaceId, 'linkedin', `load-${i}`);

    const accounts = await run({ url: `${rt.url}/workspaces/${workspaceId}/connections`, headers: { authorization: `Bearer ${token}` } }, 200);
    report('load_connected_accounts_requests', accounts.requests);
    report('load_connected_accounts_p50_ms', accounts.p50);
    report('load_connected_accounts_p99_ms', accounts.p99);
    report('load_connected_accounts_errors', accounts.errors);

    let n = 0;
    const callback = await run({ url: `${rt.url}/oauth/x/callback`, requests: [{ setupRequest: (req) => ({ ...req, path: `/oauth/x/callback?code=c${n}&state=unknown-${n++}` }) }] }, 302);
    report('load_callback_requests', callback.requests);
    report('load_callback_p50_ms', callback.p50);
    report('load_callback_p99_ms', callback.p99);
    report('load_callback_errors', callback.errors);
  } finally {
    await rt.stop();
  }
}

async function run(opts: Pick<autocannon.Options, 'url' | 'headers' | 'requests'>, expectedStatus: number) {
  let unexpected = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ ...opts, connections: CONNECTIONS, duration: DURATION_SECONDS, maxOverallRequests: MAX_REQUESTS }, (err, res) => (err ? reject(err) : resolve(res)));
    instance.on('response', (_client, statusCode) => {
      if (statusCode !== expectedStatus) unexpected += 1;
    });
  });
  return { requests: result.requests.total, p50: result.latency.p50, p99: result.latency.p99, errors: unexpected + result.errors + result.timeouts };
}
