import type { CfnResource } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiPathPatterns } from '../../infra/constructs/web.js';
import { DASHBOARD_SECURITY_HEADERS, dashboardMessages } from '../../local/dashboard.js';
import { ENV } from '../../shared/config/functions.js';
import { ROUTES, type RouteSpec } from '../../shared/config/routes.js';
import { CDK_CONTEXT, refOf, resourcesOf, synth, type Synthesized } from './fixture.js';

/** AWS managed policy ids, as the CloudFront Developer Guide lists them (written out: the test checks the choice). */
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

type Behavior = {
  PathPattern?: string;
  TargetOriginId: string;
  CachePolicyId: string;
  OriginRequestPolicyId?: string;
  ResponseHeadersPolicyId?: unknown;
  AllowedMethods?: string[];
  ViewerProtocolPolicy: string;
  FunctionAssociations?: { EventType: string; FunctionARN: unknown }[];
};
type Origin = { Id: string; DomainName: unknown; OriginAccessControlId?: unknown; S3OriginConfig?: { OriginAccessIdentity: string }; CustomOriginConfig?: { OriginProtocolPolicy: string } };
type DistributionConfig = { Origins: Origin[]; DefaultCacheBehavior: Behavior; CacheBehaviors: Behavior[]; Logging?: unknown; Aliases?: string[]; ViewerCertificate?: Record<string, unknown>; WebACLId?: string };

/** CloudFront path-pattern matching: `*` any run of characters, `?` one, case-sensitive. */
function matches(pattern: string, path: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return re.test(path);
}

/** The behavior CloudFront picks for a path: the first pattern that matches, else the default. */
function behaviorFor(config: DistributionConfig, path: string): Behavior {
  return config.CacheBehaviors.find((b) => matches(b.PathPattern!, path)) ?? config.DefaultCacheBehavior;
}

/** A concrete path for a route template (`{x}` -> a value). */
function concrete(route: RouteSpec): string {
  return route.path.replace(/\{[^}]+\}/g, 'abc-123');
}

function distributionOf(x: Synthesized): { id: string; config: DistributionConfig } {
  const [entry, ...more] = Object.entries(resourcesOf(x.template, 'AWS::CloudFront::Distribution'));
  expect(more).toHaveLength(0);
  return { id: entry![0], config: entry![1].Properties?.DistributionConfig as DistributionConfig };
}

let s: Synthesized;
let logicalId: (c: IConstruct) => string;
let dist: { id: string; config: DistributionConfig };
let s3Origin: Origin;
let apiOrigin: Origin;

beforeAll(() => {
  s = synth();
  logicalId = (c) => s.stack.resolve(s.stack.getLogicalId(c.node.defaultChild as CfnResource)) as string;
  dist = distributionOf(s);
  const siteId = logicalId(s.stack.web.siteBucket);
  s3Origin = dist.config.Origins.find((o) => refOf(o.DomainName) === siteId)!;
  apiOrigin = dist.config.Origins.find((o) => JSON.stringify(o.DomainName).includes(logicalId(s.stack.api.httpApi)))!;
});

describe('one origin for the dashboard and the API (CloudFront)', () => {
  it('has exactly two origins: the private dashboard bucket through OAC, and the HTTP API over HTTPS', () => {
    expect(dist.config.Origins).toHaveLength(2);
    expect(s3Origin?.OriginAccessControlId).toEqual(expect.anything());
    expect(s3Origin.S3OriginConfig?.OriginAccessIdentity).toBe('');
    expect(apiOrigin).toHaveProperty('DomainName');
    expect(JSON.stringify(apiOrigin.DomainName)).toContain('.execute-api.');
    expect(apiOrigin.CustomOriginConfig?.OriginProtocolPolicy).toBe('https-only');
  });

  it('sends every route of ROUTES to the API, uncached, with Authorization, X-Workspace-Context and cookies', () => {
    for (const route of ROUTES) {
      const b = behaviorFor(dist.config, concrete(route));
      const key = `${route.method} ${route.path}`;
      expect(b.TargetOriginId, key).toBe(apiOrigin.Id);
      expect(b.CachePolicyId, key).toBe(CACHING_DISABLED);
      // AllViewerExceptHostHeader: every viewer header (Authorization too, allowed because caching is
      // disabled), every cookie and query string; Host stays the API's own for API Gateway.
      expect(b.OriginRequestPolicyId, key).toBe(ALL_VIEWER_EXCEPT_HOST_HEADER);
      expect(b.AllowedMethods, key).toContain(route.method);
      expect(b.ViewerProtocolPolicy, key).toBe('https-only');
    }
  });

  it('serves /app/ (page, files, deep links, config) from the bucket with the dashboard headers; nothing else goes to the API', () => {
    for (const path of ['/', '/app', '/app/', '/app/js/main.js', '/app/styles.css', '/app/config.json', '/app/link-result.html', '/app/connections/c1/reconnect']) {
      const b = behaviorFor(dist.config, path);
      expect(b.TargetOriginId, path).toBe(s3Origin.Id);
      expect(refOf(b.ResponseHeadersPolicyId), path).toBe(logicalId(s.stack.web.dashboardHeaders));
      expect(b.ViewerProtocolPolicy, path).toBe('redirect-to-https');
      expect(b.FunctionAssociations?.map((f) => f.EventType), path).toEqual(['viewer-request']);
    }
    // The API behaviors are derived from ROUTES and cover nothing but the API.
    expect(dist.config.CacheBehaviors.map((b) => b.PathPattern)).toEqual(apiPathPatterns());
  });

  it('sends / and /app to /app/ and gives deep links under /app/ the page (the private bucket has no such key)', () => {
    const [fn] = Object.values(resourcesOf(s.template, 'AWS::CloudFront::Function'));
    const code = String(fn!.Properties?.FunctionCode);
    type Result = { uri?: string; statusCode?: number; headers?: Record<string, { value: string }> };
    const run = (uri: string): Result => runInNewContext(`${code}\nhandler(event)`, { event: { request: { uri, querystring: {} } } }) as Result;
    for (const uri of ['/', '/app']) {
      expect(run(uri).statusCode, uri).toBe(302);
      expect(run(uri).headers?.location?.value, uri).toBe('/app/');
    }
    for (const uri of ['/app/', '/app/connections/c1/reconnect']) expect(run(uri).uri, uri).toBe('/app/index.html');
    for (const uri of ['/app/js/main.js', '/app/styles.css', '/app/config.json', '/app/index.html', '/app/link-result.html']) expect(run(uri).uri, uri).toBe(uri);
  });

  it('derives the API path patterns from the routes, new prefixes included', () => {
    expect(apiPathPatterns()).toEqual(['/workspaces*', '/hubs*', '/platform-status*', '/oauth/*', '/reconnect/*']);
    const more: RouteSpec[] = [...ROUTES, { method: 'POST', path: '/session/logout', fn: 'api', auth: true }];
    expect(apiPathPatterns(more)).toContain('/session/*');
    expect(() => apiPathPatterns([{ method: 'GET', path: '/{any}', fn: 'api', auth: true }])).toThrow(/fixed first segment/);
    expect(() => apiPathPatterns([{ method: 'GET', path: '/app/x', fn: 'api', auth: true }])).toThrow(/outside \/app/);
  });

  it('puts the strict dashboard CSP, nosniff, X-Frame-Options DENY, no-referrer and HSTS on the dashboard', () => {
    const policy = resourcesOf(s.template)[logicalId(s.stack.web.dashboardHeaders)]!.Properties?.ResponseHeadersPolicyConfig as {
      SecurityHeadersConfig: Record<string, Record<string, unknown>>;
    };
    const h = policy.SecurityHeadersConfig;
    expect(h.ContentSecurityPolicy).toEqual({ ContentSecurityPolicy: DASHBOARD_SECURITY_HEADERS['content-security-policy'], Override: true });
    expect(h.ContentSecurityPolicy!.ContentSecurityPolicy).toContain("script-src 'self'");
    expect(h.ContentSecurityPolicy!.ContentSecurityPolicy).toContain("frame-ancestors 'none'");
    expect(h.ContentTypeOptions).toEqual({ Override: true });
    expect(h.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
    expect(h.ReferrerPolicy).toEqual({ ReferrerPolicy: 'no-referrer', Override: true });
    expect(h.StrictTransportSecurity).toMatchObject({ AccessControlMaxAgeSec: 63_072_000, Override: true });
  });

  it('adds the API security headers to answers API Gateway makes itself, without overriding the Lambda ones', () => {
    const policy = resourcesOf(s.template)[logicalId(s.stack.web.apiHeaders)]!.Properties?.ResponseHeadersPolicyConfig as {
      SecurityHeadersConfig: Record<string, Record<string, unknown>>;
      CustomHeadersConfig: { Items: { Header: string; Value: string; Override: boolean }[] };
    };
    expect(policy.SecurityHeadersConfig.ContentSecurityPolicy).toEqual({ ContentSecurityPolicy: "default-src 'none'; frame-ancestors 'none'", Override: false });
    expect(policy.SecurityHeadersConfig.ContentTypeOptions).toEqual({ Override: true });
    expect(policy.CustomHeadersConfig.Items).toEqual([{ Header: 'cache-control', Value: 'no-store', Override: false }]);
    for (const route of ROUTES) expect(refOf(behaviorFor(dist.config, concrete(route)).ResponseHeadersPolicyId)).toBe(logicalId(s.stack.web.apiHeaders));
  });

  it('keeps the dashboard bucket private: all public access blocked, readable only by this distribution', () => {
    const siteId = logicalId(s.stack.web.siteBucket);
    const bucket = resourcesOf(s.template)[siteId]!;
    expect(bucket.Properties?.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(bucket.Properties?.WebsiteConfiguration).toBeUndefined();
    const policy = Object.values(resourcesOf(s.template, 'AWS::S3::BucketPolicy')).find((p) => refOf(p.Properties?.Bucket) === siteId)!;
    const allows = (policy.Properties?.PolicyDocument as { Statement: { Effect: string; Principal: unknown; Condition?: unknown; Action: unknown }[] }).Statement.filter(
      (st) => st.Effect === 'Allow',
    );
    expect(allows).toHaveLength(1);
    expect(allows[0]!.Principal).toEqual({ Service: 'cloudfront.amazonaws.com' });
    expect(allows[0]!.Action).toBe('s3:GetObject');
    expect(JSON.stringify(allows[0]!.Condition)).toContain(dist.id);
  });

  it('logs viewer requests and bucket access to a private log bucket', () => {
    expect(refOf((dist.config.Logging as { Bucket: unknown }).Bucket)).toBe(logicalId(s.stack.web.logBucket));
    const site = resourcesOf(s.template)[logicalId(s.stack.web.siteBucket)]!;
    expect(refOf((site.Properties?.LoggingConfiguration as { DestinationBucketName: unknown }).DestinationBucketName)).toBe(logicalId(s.stack.web.logBucket));
  });

  it('deploys web/ under app/ with a config.json naming the identity provider, and invalidates /app/*', () => {
    const [deploy] = Object.values(resourcesOf(s.template, 'Custom::CDKBucketDeployment'));
    expect(deploy?.Properties).toMatchObject({ DestinationBucketKeyPrefix: 'app/', DistributionPaths: ['/app/*'], Prune: true });
    expect(refOf(deploy!.Properties?.DestinationBucketName)).toBe(logicalId(s.stack.web.siteBucket));
    const assembly = s.app.synth();
    const dirs = (deploy!.Properties?.SourceObjectKeys as string[]).map((key) => join(assembly.directory, `asset.${key.replace(/\.zip$/, '')}`));
    const files = dirs.flatMap((d) => (existsSync(d) ? readdirSync(d) : []));
    expect(files).toEqual(expect.arrayContaining(['index.html', 'js', 'styles.css', 'config.json']));
    const configDir = dirs.find((d) => existsSync(join(d, 'config.json')))!;
    expect(JSON.parse(readFileSync(join(configDir, 'config.json'), 'utf8'))).toEqual({ issuer: CDK_CONTEXT.jwtIssuer, audience: CDK_CONTEXT.jwtAudience });
    // The words the dashboard and the reconnect link page look up by code, as the local runtime serves them.
    expect(files).toEqual(expect.arrayContaining(['link-result.html', 'messages.json']));
    const messagesDir = dirs.find((d) => existsSync(join(d, 'messages.json')))!;
    expect(JSON.parse(readFileSync(join(messagesDir, 'messages.json'), 'utf8'))).toEqual(dashboardMessages());
  });

  it('names its account-global CloudFront resources per region too (one stage may exist in two regions)', () => {
    const named = [
      ...Object.values(resourcesOf(s.template, 'AWS::CloudFront::ResponseHeadersPolicy')).map((r) => (r.Properties?.ResponseHeadersPolicyConfig as { Name: unknown }).Name),
      ...Object.values(resourcesOf(s.template, 'AWS::CloudFront::OriginAccessControl')).map((r) => (r.Properties?.OriginAccessControlConfig as { Name: unknown }).Name),
      ...Object.values(resourcesOf(s.template, 'AWS::CloudFront::Function')).map((r) => r.Properties?.Name),
    ];
    expect(named).toHaveLength(4);
    for (const n of named) expect(JSON.stringify(n)).toContain('"Ref":"AWS::Region"');
  });

  it('outputs the dashboard URL and the redirect URI pattern on the distribution\'s domain', () => {
    const outputs = s.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    const domain = { 'Fn::GetAtt': [dist.id, 'DomainName'] };
    expect(outputs.DashboardUrl?.Value).toEqual({ 'Fn::Join': ['', ['https://', domain, '/app/']] });
    expect(outputs.OAuthRedirectUriPattern?.Value).toEqual({ 'Fn::Join': ['', ['https://', domain, '/oauth/{platform}/callback']] });
  });
});

describe('a custom dashboard domain', () => {
  const CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555';
  const WAF = 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/flamel/abc';

  it('serves the host with its certificate and TLS 1.2, attaches the WAF, and gives the functions that origin', () => {
    const custom = synth({ dashboardOrigin: 'https://app.flamel.example', dashboardCertificateArn: CERT, webAclArn: WAF });
    const { config } = distributionOf(custom);
    expect(config.Aliases).toEqual(['app.flamel.example']);
    expect(config.ViewerCertificate).toMatchObject({ AcmCertificateArn: CERT, MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' });
    expect(config.WebACLId).toBe(WAF);
    const fn = custom.stack.functions.byName.oauthCallback;
    const fnId = custom.stack.resolve(custom.stack.getLogicalId(fn.node.defaultChild as CfnResource)) as string;
    const vars = (resourcesOf(custom.template)[fnId]!.Properties?.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(vars[ENV.dashboardOrigin]).toBe('https://app.flamel.example');
    expect(vars[ENV.apiBaseUrl]).toBe('https://app.flamel.example');
    // With a certificate and a WAF nothing is left to acknowledge for CFR2 / CFR4, and nag stays clean.
    const report = new AwsSolutionsChecks().validateScope(custom.app);
    expect(report.violations.map((v) => v.ruleName)).toEqual([]);
    const acknowledged = JSON.stringify(custom.stack.web.distribution.node.metadata);
    expect(acknowledged).not.toContain('AwsSolutions-CFR2');
    expect(acknowledged).not.toContain('AwsSolutions-CFR4');
  });

  it('refuses a custom origin without its certificate, a certificate outside us-east-1, and the retired apiBaseUrl', () => {
    expect(() => synth({ dashboardOrigin: 'https://app.flamel.example' })).toThrow(/dashboardCertificateArn/);
    expect(() => synth({ dashboardOrigin: 'https://app.flamel.example', dashboardCertificateArn: CERT.replace('us-east-1', 'eu-west-1') })).toThrow(/us-east-1/);
    expect(() => synth({ dashboardOrigin: 'https://app.flamel.example/app', dashboardCertificateArn: CERT })).toThrow(/origin/);
    expect(() => synth({ apiBaseUrl: 'https://api.flamel.example' })).toThrow(/apiBaseUrl/);
  });
});
