import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { createServer, type AddressInfo } from 'node:net';
import type sesLocal from 'aws-ses-v2-local';

/** One email as `GET /local/outbox` lists it: what SES would have sent, one entry per recipient. */
export interface OutboxEmail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** ISO-8601, to the second (aws-ses-v2-local stamps emails in epoch seconds). */
  sentAt: string;
  /** Custom headers the sender set (e.g. List-Unsubscribe on the weekly digest), by name. */
  headers?: Record<string, string>;
}

export interface LocalEmail {
  /** Endpoint for `new SESv2Client({ endpoint })`. */
  endpoint: string;
  /** Every email sent since start, oldest first. */
  outbox(): Promise<OutboxEmail[]>;
  stop(): Promise<void>;
}

/** The part of aws-ses-v2-local's stored Email this module reads (see its dist/store.d.ts). */
interface SesLocalEmail {
  destination: { to: string[] };
  subject: string;
  body: { html?: string; text?: string };
  at: number;
  headers?: { name: string; value: string }[];
}

// aws-ses-v2-local is CommonJS with `exports.default = server`. Its ESM default import differs by loader:
// Node and tsx give the whole `module.exports`, vitest's interop gives the function. require() is the
// same everywhere: `module.exports`, whose `.default` is the server (TypeScript types the default import as
// `module.exports` too, hence `typeof sesLocal`).
const startSesServer = (createRequire(import.meta.url)('aws-ses-v2-local') as typeof sesLocal).default;

/**
 * aws-ses-v2-local (the SES v2 API over HTTP) on 127.0.0.1, so the real SESv2 client and Mailer
 * adapter run unchanged. Its store is module-global (one per process), so start clears it and there
 * should be one LocalEmail per process.
 */
export async function startLocalEmail(opts: { port?: number } = {}): Promise<LocalEmail> {
  const server = await listenSes(opts.port ?? 0);
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const clear = await fetch(`${endpoint}/clear-store`, { method: 'POST' });
  if (!clear.ok) throw new Error(`aws-ses-v2-local /clear-store answered ${clear.status}`);

  let stopped: Promise<void> | undefined;
  return {
    endpoint,
    async outbox() {
      const res = await fetch(`${endpoint}/store`);
      if (!res.ok) throw new Error(`aws-ses-v2-local /store answered ${res.status}`);
      const { emails } = (await res.json()) as { emails: SesLocalEmail[] };
      return emails.flatMap((e) =>
        e.destination.to.map((to) => ({
          to,
          subject: e.subject,
          text: e.body.text ?? '',
          html: e.body.html ?? '',
          sentAt: new Date(e.at * 1000).toISOString(),
          ...(e.headers?.length ? { headers: Object.fromEntries(e.headers.map((h) => [h.name, h.value])) } : {}),
        })),
      );
    },
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopped;
    },
  };
}

/**
 * aws-ses-v2-local takes a fixed port and resolves even when listening failed (express hands the error
 * to its callback), so: pick a free port when asked for 0, check it is really listening, and retry if
 * another process took the port in between.
 */
async function listenSes(requested: number): Promise<Server> {
  for (let attempt = 1; ; attempt++) {
    const port = requested || (await freePort());
    const server = await startSesServer({ host: '127.0.0.1', port });
    if (server.listening) return server;
    server.close();
    if (requested || attempt >= 5) throw new Error(`aws-ses-v2-local could not listen on 127.0.0.1:${port}`);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
