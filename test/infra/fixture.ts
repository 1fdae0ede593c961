import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApp } from '../../infra/app.js';
import { SKIP_BUNDLING_CONTEXT } from '../../infra/config.js';
import { REPO_ROOT } from '../../infra/bundle.js';
import type { ConnectionsStack } from '../../infra/stack.js';

/** The context of cdk.json (what `npm run synth` uses). */
export const CDK_CONTEXT: Record<string, unknown> = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')).context;

export interface Synthesized {
  app: App;
  stack: ConnectionsStack;
  template: Template;
}

/**
 * The app as `cdk synth` builds it, with cdk.json's context plus `overrides`, except that functions
 * get inline placeholder code instead of their esbuild bundles (the template is otherwise the same),
 * and that CDK's built-in CloudFormation template validation (~8 s of WebAssembly per synth) only
 * runs when asked for. cdk-nag runs on every synth either way (createApp registers it).
 */
export function synth(overrides: Record<string, unknown> = {}, options: { cfnValidation?: boolean } = {}): Synthesized {
  const { app, stack } = createApp(
    new App({
      builtinCloudFormationValidation: options.cfnValidation ?? false,
      context: { ...CDK_CONTEXT, [SKIP_BUNDLING_CONTEXT]: true, ...overrides },
    }),
  );
  return { app, stack, template: Template.fromStack(stack) };
}

/** `{Ref|Fn::GetAtt}` of a resource as a logical id, or undefined. */
export function refOf(value: unknown): string | undefined {
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (typeof v.Ref === 'string') return v.Ref;
    const getAtt = v['Fn::GetAtt'];
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  }
  return undefined;
}

export type Resources = Record<string, { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string; UpdateReplacePolicy?: string }>;

export function resourcesOf(template: Template, type?: string): Resources {
  const all = template.toJSON().Resources as Resources;
  return Object.fromEntries(Object.entries(all).filter(([, r]) => !type || r.Type === type));
}
