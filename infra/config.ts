import type { Node } from 'constructs';
import { z } from 'zod';

/**
 * Deploy-time parameters, read from CDK context (cdk.json or `cdk deploy -c key=value`).
 * Nothing here is looked up in an AWS account: synth works offline and without credentials.
 */
export interface StageConfig {
  /** Stage name (dev, staging, prod...): part of the stack name, so stages share an account. */
  stage: string;
  /** JWT issuer the HTTP API's authorizer trusts (e.g. a Cognito user pool or Auth0 tenant URL). */
  jwtIssuer: string;
  /** Audience the tokens must carry. */
  jwtAudience: string;
  /** The dashboard's origin: CORS and the callback's redirects. */
  dashboardOrigin: string;
  /** Public base URL of the API (custom domain); empty = the HTTP API's own execute-api URL. */
  apiBaseUrl: string;
  /** From address of owner emails; its SES identity is created by the stack. */
  senderEmail: string;
  /** Who gets alarm notifications; empty = alarms go to the topic with no subscriber. */
  alarmEmail: string;
}

/**
 * Context key: when true the functions get a tiny inline placeholder instead of their esbuild
 * bundle. Only the infrastructure tests set it (templates are identical apart from the code asset).
 */
export const SKIP_BUNDLING_CONTEXT = 'flamel:skipBundling';

const url = z.url({ protocol: /^https?$/ }).refine((u) => !u.endsWith('/'), 'no trailing slash');
const schema = z.object({
  stage: z.string().regex(/^[a-z][a-z0-9-]{0,19}$/, 'lowercase letters, digits and dashes, at most 20'),
  jwtIssuer: z.url({ protocol: /^https$/ }),
  jwtAudience: z.string().min(1),
  dashboardOrigin: url,
  apiBaseUrl: z.union([z.literal(''), url]),
  senderEmail: z.email(),
  alarmEmail: z.union([z.literal(''), z.email()]),
});

export function readStageConfig(node: Node): StageConfig {
  const raw = Object.fromEntries(Object.keys(schema.shape).map((key) => [key, node.tryGetContext(key) ?? '']));
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid CDK context (set it in cdk.json or with -c key=value): ${problems}`);
  }
  return parsed.data;
}
