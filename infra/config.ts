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
  /**
   * Where people reach the dashboard AND the API (one CloudFront distribution serves both, so the
   * API's sign-in cookie is first-party): OAuth redirect URIs, the callback's redirects, email links.
   * Empty = the distribution's own `https://<id>.cloudfront.net`; a custom origin needs
   * `dashboardCertificateArn`.
   */
  dashboardOrigin: string;
  /** ACM certificate (us-east-1, as CloudFront requires) for the custom dashboardOrigin's host. */
  dashboardCertificateArn: string;
  /** AWS WAF web ACL (scope CLOUDFRONT, us-east-1) for the distribution; empty = none. */
  webAclArn: string;
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

/** An origin: scheme and host only (it is the cookie's site and the redirect URIs' prefix). */
const origin = z.url({ protocol: /^https$/ }).refine((u) => new URL(u).origin === u, 'an origin: https://host, no path or trailing slash');
const arn = (service: string) => z.string().regex(new RegExp(`^arn:aws[a-z-]*:${service}:us-east-1:\\d{12}:`), `a ${service} ARN in us-east-1 (CloudFront's region)`);
const schema = z
  .object({
    stage: z.string().regex(/^[a-z][a-z0-9-]{0,19}$/, 'lowercase letters, digits and dashes, at most 20'),
    jwtIssuer: z.url({ protocol: /^https$/ }),
    jwtAudience: z.string().min(1),
    dashboardOrigin: z.union([z.literal(''), origin]),
    dashboardCertificateArn: z.union([z.literal(''), arn('acm')]),
    webAclArn: z.union([z.literal(''), arn('wafv2')]),
    senderEmail: z.email(),
    alarmEmail: z.union([z.literal(''), z.email()]),
  })
  // A custom host CloudFront holds no certificate for would not be served at all.
  .refine((c) => (c.dashboardOrigin === '') === (c.dashboardCertificateArn === ''), {
    path: ['dashboardCertificateArn'],
    message: 'set together with dashboardOrigin (both empty = the distribution\'s own domain)',
  });

/** Context keys that no longer mean anything: refused rather than silently ignored. */
const RETIRED: Record<string, string> = {
  apiBaseUrl: 'the API is now served from dashboardOrigin (one origin for the dashboard and the API); remove apiBaseUrl',
};

export function readStageConfig(node: Node): StageConfig {
  const retired = Object.keys(RETIRED).filter((key) => node.tryGetContext(key) !== undefined);
  if (retired.length > 0) throw new Error(`Invalid CDK context: ${retired.map((key) => `${key}: ${RETIRED[key]}`).join('; ')}`);
  const raw = Object.fromEntries(Object.keys(schema.shape).map((key) => [key, node.tryGetContext(key) ?? '']));
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid CDK context (set it in cdk.json or with -c key=value): ${problems}`);
  }
  return parsed.data;
}
