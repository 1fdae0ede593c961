import { App, Validations } from 'aws-cdk-lib';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AwsSolutionsChecks } from 'cdk-nag';
import { SKIP_BUNDLING_CONTEXT, readStageConfig } from './config.js';
import { ConnectionsStack } from './stack.js';

/**
 * The CDK app (cdk.json: `npx tsx infra/app.ts`). One stack per stage, named after it; no `env`, so
 * synth needs no AWS account or credentials. cdk-nag's AwsSolutions checks run on every synth:
 * an unacknowledged finding fails it.
 */
export function createApp(app = new App()): { app: App; stack: ConnectionsStack } {
  const config = readStageConfig(app.node);
  const stack = new ConnectionsStack(app, `FlamelConnections-${config.stage}`, {
    description: `flamel-connections (${config.stage}): keeps connected social accounts healthy`,
    config,
    skipBundling: app.node.tryGetContext(SKIP_BUNDLING_CONTEXT) === true || app.node.tryGetContext(SKIP_BUNDLING_CONTEXT) === 'true',
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

// Run by the CDK CLI (cdk.json: `npx tsx infra/app.ts`); tests import createApp instead.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  createApp().app.synth();
}
