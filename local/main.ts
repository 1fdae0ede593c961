/** `npm start [-- --data DIR]`: the whole system on 127.0.0.1:3000 (PORT overrides). */
const args = process.argv.slice(2);
const dataIndex = args.indexOf('--data');
const dataDir = dataIndex >= 0 ? args[dataIndex + 1] : undefined;
if (dataIndex >= 0 && !dataDir) {
  console.error('--data needs a folder, e.g. npm start -- --data .data');
  process.exit(2);
}
// Set before the handlers' modules load (their logger reads it once); hence the import below, not at the top.
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
// The SDK's notice about its future Node versions says nothing about running this system.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { startLocalRuntime } = await import('./runtime.js');

const port = Number(process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number (0 to 65535), e.g. PORT=4000 npm start; got "${process.env.PORT}".`);
  process.exit(2);
}
// How long a received message stays hidden before it comes back: a failed one, or an email waiting for
// the rest of a burst of failures (AWS: 6x the function's timeout).
const visibility = Number(process.env.VISIBILITY_TIMEOUT_SECONDS ?? 30);
if (!Number.isInteger(visibility) || visibility < 1 || visibility > 43_200) {
  console.error(`VISIBILITY_TIMEOUT_SECONDS must be whole seconds from 1 to 43200; got "${process.env.VISIBILITY_TIMEOUT_SECONDS}".`);
  process.exit(2);
}
const runtime = await startLocalRuntime({ port, visibilityTimeoutSeconds: visibility, ...(dataDir ? { dataDir } : {}) }).catch((error: unknown) => {
  const code = (error as { code?: unknown }).code;
  console.error(
    code === 'EADDRINUSE'
      ? `Port ${port} on 127.0.0.1 is already in use (another npm start?). Stop it, or pick another port: PORT=4000 npm start`
      : `Could not start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
const u = runtime.url;
console.log(`flamel-connections is running locally (${dataDir ? `data in ${dataDir}` : 'in memory'})
  Dashboard        ${u}/app/
  API              ${u}/workspaces, ${u}/hubs, ${u}/oauth/{platform}/callback
  Local controls   POST ${u}/local/login | /local/scan | /local/publish-due | /local/drain | /local/clock
                   GET  ${u}/local/outbox | /local/events
  Sandbox          ${u}/sandbox/{facebook|instagram|linkedin|tiktok|x}/...
  Store (dynalite), queues (fauxqs), bus, email (aws-ses-v2-local) run inside this process.
Press Ctrl-C to stop.`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping: finishing the work in flight...');
    // Let queued work finish (bounded); with --data what is still queued then is kept for the next start.
    runtime
      .drain(30_000)
      .then((drained) => {
        if (!drained) {
          console.log(
            dataDir
              ? `Some queued work did not finish within 30 s; it is kept in ${dataDir} and runs at the next start.`
              : 'Some queued work did not finish within 30 s; it is dropped with the in-memory queues (use --data DIR to keep it).',
          );
        }
        return runtime.stop();
      })
      .then(
      () => {
        console.log('Stopped.');
        process.exit(0);
      },
      (error: unknown) => {
        console.error('Stopped with an error:', error);
        process.exit(1);
      },
    );
  });
}
