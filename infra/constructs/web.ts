import { Aws, Duration, Names, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  Function as EdgeFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  ResponseHeadersPolicy,
  S3OriginAccessControl,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
  type BehaviorOptions,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership, type CfnBucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { API_SECURITY_HEADERS } from '../../functions/lib/http.js';
import { DASHBOARD_CONFIG_FILE, DASHBOARD_DIR, DASHBOARD_MESSAGES_FILE, DASHBOARD_SECURITY_HEADERS, dashboardMessages, type DashboardConfig } from '../../local/dashboard.js';
import { ROUTES, type RouteSpec } from '../../shared/config/routes.js';

export interface WebProps {
  httpApi: IHttpApi;
  dashboardConfig: DashboardConfig;
  /** A custom host for the distribution (`https://app.example.com`) and its us-east-1 ACM certificate. */
  customDomain?: { origin: string; certificateArn: string };
  /** AWS WAF web ACL (CLOUDFRONT scope) to attach. */
  webAclArn?: string;
}

/**
 * CloudFront path patterns of the API: one per first path segment of ROUTES (`/workspaces*` when a
 * route is the bare segment, else `/oauth/*`), so a new route prefix reaches the API without an
 * edit here. Everything else is the dashboard.
 */
export function apiPathPatterns(routes: readonly RouteSpec[] = ROUTES): string[] {
  const patterns = new Map<string, string>();
  for (const route of routes) {
    const first = route.path.split('/')[1] ?? '';
    if (first === '' || first.startsWith('{') || first === 'app') throw new Error(`Route ${route.path} has no fixed first segment outside /app to route it by`);
    const bare = routes.some((r) => r.path === `/${first}`);
    patterns.set(first, bare ? `/${first}*` : `/${first}/*`);
  }
  return [...patterns.values()];
}

/**
 * Viewer-request function of the dashboard: `/` and `/app` go to `/app/` (as locally), and an address
 * under /app/ that is not a file (`/app/`, `/app/connections/ID/reconnect`) gets the page, since
 * the private bucket answers 403 for a key it does not have.
 */
const REWRITE = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri === '/' || uri === '/app') {
    return { statusCode: 302, statusDescription: 'Found', headers: { location: { value: '/app/' }, 'cache-control': { value: 'no-store' } } };
  }
  if (uri.indexOf('/app/') === 0 && uri.slice(uri.lastIndexOf('/') + 1).indexOf('.') === -1) request.uri = '/app/index.html';
  return request;
}`;

/** Two years, as HSTS preload lists ask; HTTPS only is all CloudFront serves here anyway. */
const HSTS_MAX_AGE = Duration.days(730);

/**
 * The one origin people use: a CloudFront distribution serving the dashboard (static files in a
 * private S3 bucket, read through Origin Access Control) and the HTTP API on its routes' paths, so
 * the API's sign-in cookie (HttpOnly, SameSite=Lax) is first-party to the page. API paths are never
 * cached and get every viewer header but Host (Authorization, X-Workspace-Context, cookies).
 * Depends on the API (its id) only, so the functions may name the distribution's domain.
 */
export class Web extends Construct {
  readonly distribution: Distribution;
  readonly siteBucket: Bucket;
  readonly logBucket: Bucket;
  /** `https://<host>`: the custom origin, else the distribution's own domain. */
  readonly origin: string;
  readonly dashboardHeaders: ResponseHeadersPolicy;
  readonly apiHeaders: ResponseHeadersPolicy;

  constructor(scope: Construct, id: string, props: WebProps) {
    super(scope, id);
    this.logBucket = new Bucket(this, 'Logs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront standard logging writes with an object ACL; the bucket owner still owns the objects.
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.logBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This bucket is the access-log destination (CloudFront standard logs and the site bucket\'s S3 access logs); ' +
        'logging it into itself would loop and logging it elsewhere only moves the finding.',
    });
    this.siteBucket = new Bucket(this, 'Site', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 's3-site/',
      // Only the deployed copy of web/ lives here: the deployment empties it on delete.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const security = DASHBOARD_SECURITY_HEADERS;
    if (security['x-frame-options'] !== 'DENY' || security['referrer-policy'] !== 'no-referrer') {
      throw new Error('local/dashboard.ts DASHBOARD_SECURITY_HEADERS changed: map the new values to CloudFront here');
    }
    // CloudFront names are global to the account: the region keeps the same stage in two regions apart.
    const name = (suffix: string) => `${Aws.REGION}-${Names.uniqueResourceName(this, { maxLength: 36 })}-${suffix}`;
    const hsts = { accessControlMaxAge: HSTS_MAX_AGE, includeSubdomains: true, override: true };
    this.dashboardHeaders = new ResponseHeadersPolicy(this, 'DashboardHeaders', {
      responseHeadersPolicyName: name('dashboard'),
      comment: 'flamel-connections dashboard: strict CSP (the session token is in localStorage), no framing, no referrer',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: security['content-security-policy'], override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: hsts,
      },
    });
    // The Lambda answers carry these already; API Gateway's own answers (401 from the JWT authorizer,
    // 429 throttled, 404 no route) do not, so CloudFront adds what is missing without overriding.
    this.apiHeaders = new ResponseHeadersPolicy(this, 'ApiHeaders', {
      responseHeadersPolicyName: name('api'),
      comment: 'flamel-connections API: JSON only, never framed, never cached',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: API_SECURITY_HEADERS['content-security-policy'], override: false },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: false },
        strictTransportSecurity: hsts,
      },
      customHeadersBehavior: { customHeaders: [{ header: 'cache-control', value: API_SECURITY_HEADERS['cache-control'], override: false }] },
    });

    const dashboard: BehaviorOptions = {
      origin: S3BucketOrigin.withOriginAccessControl(this.siteBucket, {
        originAccessControl: new S3OriginAccessControl(this, 'SiteAccess', { originAccessControlName: name('site') }),
      }),
      viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      cachePolicy: CachePolicy.CACHING_OPTIMIZED,
      responseHeadersPolicy: this.dashboardHeaders,
      functionAssociations: [
        {
          eventType: FunctionEventType.VIEWER_REQUEST,
          function: new EdgeFunction(this, 'DashboardPaths', { code: FunctionCode.fromInline(REWRITE), runtime: FunctionRuntime.JS_2_0 }),
        },
      ],
    };
    const region = Stack.of(this).region;
    const api: BehaviorOptions = {
      origin: new HttpOrigin(`${props.httpApi.apiId}.execute-api.${region}.${Aws.URL_SUFFIX}`, { protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY }),
      // A redirect would turn a POST into a GET without its body: plain HTTP is refused instead.
      viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: AllowedMethods.ALLOW_ALL,
      cachePolicy: CachePolicy.CACHING_DISABLED,
      // Every header (Authorization included, which CloudFront allows only with caching disabled),
      // cookie and query string, but not Host: API Gateway routes by its own host name.
      originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: this.apiHeaders,
    };

    const custom = props.customDomain;
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'flamel-connections: dashboard (/app/) and API on one origin',
      defaultBehavior: dashboard,
      additionalBehaviors: Object.fromEntries(apiPathPatterns().map((pattern) => [pattern, api])),
      httpVersion: HttpVersion.HTTP2_AND_3,
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'cloudfront/',
      ...(custom
        ? {
            domainNames: [new URL(custom.origin).host],
            certificate: Certificate.fromCertificateArn(this, 'Certificate', custom.certificateArn),
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
      ...(props.webAclArn ? { webAclId: props.webAclArn } : {}),
    });
    this.origin = custom ? custom.origin : `https://${this.distribution.distributionDomainName}`;
    this.acknowledgeDistributionFindings(!custom, !props.webAclArn);

    const deployment = new BucketDeployment(this, 'Deploy', {
      // messages.json: the pages' words per code (callback errors, reconnect link outcomes), as served locally.
      sources: [Source.asset(DASHBOARD_DIR), Source.jsonData(DASHBOARD_CONFIG_FILE, props.dashboardConfig), Source.jsonData(DASHBOARD_MESSAGES_FILE, dashboardMessages())],
      destinationBucket: this.siteBucket,
      destinationKeyPrefix: 'app/',
      // The files keep their names across releases: browsers revalidate, CloudFront is invalidated.
      cacheControl: [CacheControl.noCache()],
      distribution: this.distribution,
      distributionPaths: ['/app/*'],
      retainOnDelete: false,
      memoryLimit: 256,
    });
    this.acknowledgeDeploymentFindings(deployment);
  }

  private acknowledgeDistributionFindings(defaultCertificate: boolean, noWaf: boolean): void {
    const on = Validations.of(this.distribution);
    on.acknowledge({
      id: 'AwsSolutions-CFR1',
      reason:
        'No geo restriction: the dashboard serves customers wherever they are, and the OAuth platforms redirect ' +
        'their browsers back from anywhere. Nothing here is licensed per country.',
    });
    if (noWaf) {
      on.acknowledge({
        id: 'AwsSolutions-CFR2',
        reason:
          'WAF for CloudFront lives in us-east-1 and this stack is region-agnostic; attach one with the webAclArn context. ' +
          'Without it, the API\'s stage and per-route throttles (the callback has its own, smaller limit) bound a flood.',
      });
    }
    if (defaultCertificate) {
      on.acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          'The distribution\'s own *.cloudfront.net certificate accepts TLSv1 and cannot be given another minimum; ' +
          'with dashboardOrigin + dashboardCertificateArn (a custom domain) the minimum is TLSv1.2_2021.',
      });
    }
  }

  /** The BucketDeployment's provider function (a stack-wide singleton) and its role. */
  private acknowledgeDeploymentFindings(deployment: BucketDeployment): void {
    const stack = Stack.of(this);
    const siteBucketId = stack.resolve(stack.getLogicalId(this.siteBucket.node.defaultChild as CfnBucket)) as string;
    const reasons: Record<string, string> = {
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]':
        'CDK\'s BucketDeployment provider uses AWSLambdaBasicExecutionRole for its own logs; it runs only during ' +
        'deploys, to copy the dashboard files, and has no access to the service\'s data.',
      // Granted by CDK's BucketDeployment: it syncs and prunes the whole prefix, so every key of the CDK
      // asset bucket (read) and of the dashboard bucket (write, delete); CreateInvalidation takes no resource.
      ...Object.fromEntries(
        ['Action::s3:GetObject*', 'Action::s3:GetBucket*', 'Action::s3:List*', 'Action::s3:DeleteObject*', 'Action::s3:Abort*', 'Resource::*',
          `Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*`,
          `Resource::<${siteBucketId}.Arn>/*`,
        ].map((finding) => [
          `AwsSolutions-IAM5[${finding}]`,
          'CDK\'s BucketDeployment provider copies the dashboard files at deploy time and nothing else: it reads the ' +
            'CDK asset bucket, syncs and prunes the dashboard bucket\'s app/ prefix and invalidates /app/* (an action with no resource type).',
        ]),
      ),
      'AwsSolutions-L1':
        'The BucketDeployment provider\'s runtime is chosen by aws-cdk-lib (Python, with the AWS CLI layer); it moves ' +
        'with aws-cdk-lib upgrades and only runs during deploys.',
    };
    const provider = stack.node.children.find((c): c is LambdaFunction => c instanceof LambdaFunction && c.node.id.startsWith('Custom::CDKBucketDeployment'));
    for (const target of [deployment.handlerRole, ...(provider ? [provider] : [])]) {
      for (const [id, reason] of Object.entries(reasons)) Validations.of(target).acknowledge({ id, reason });
    }
  }
}
