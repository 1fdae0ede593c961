import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination, type CfnStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ROUTES, routeKeyOf, type RouteKey } from '../../shared/config/routes.js';

export interface ApiProps {
  jwtIssuer: string;
  jwtAudience: string;
}

/** Throttle of a route (requests per second, token bucket size). */
export interface Throttle {
  rateLimit: number;
  burstLimit: number;
}

/** Every route's limit unless it has its own below. */
export const DEFAULT_THROTTLE: Throttle = { rateLimit: 50, burstLimit: 100 };

/**
 * Routes with their own limit. The OAuth callback is the one route anyone can call without a token,
 * so a flood of it must not eat the capacity signed-in owners use. A person completes one sign-in
 * every few seconds at most and a platform redirects each browser once: 10 rps with a burst of 20
 * is far above any real sign-in wave of a few hundred workspaces, and a fifth of the default.
 */
export const ROUTE_THROTTLES: Partial<Record<RouteKey, Throttle>> = {
  'GET /oauth/{platform}/callback': { rateLimit: 10, burstLimit: 20 },
  // Opened by the person a reconnect link was sent to, once each: as rare as sign-ins, as open.
  'GET /reconnect/{token}': { rateLimit: 10, burstLimit: 20 },
};

/**
 * The HTTP API (API Gateway v2) with one route per entry of shared/config/routes.ts: `auth` routes
 * behind a JWT authorizer (issuer and audience from context), the OAuth callback open (the platform
 * redirects the browser there; the single-use state authenticates it). Access logs, throttling (per
 * route where ROUTE_THROTTLES says so). No CORS: browsers reach it through the dashboard's
 * CloudFront distribution, same-origin (infra/constructs/web.ts), and no other site may read it.
 *
 * Routes are added by `addRoutes` once the functions exist: the functions may need the API's URL
 * (API_BASE_URL) first, and the URL depends only on the API resource, not on its routes, so there
 * is no dependency cycle.
 */
export class Api extends Construct {
  readonly httpApi: HttpApi;
  readonly authorizer: HttpJwtAuthorizer;
  readonly stage: HttpStage;
  /** `https://{id}.execute-api.{region}.amazonaws.com` (the `$default` stage has no path). */
  readonly url: string;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'flamel-connections: workspaces, connected accounts, posts, alerts, OAuth callback',
      createDefaultStage: false,
    });
    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: DEFAULT_THROTTLE,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latency: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
          }),
        ),
      },
    });
    this.authorizer = new HttpJwtAuthorizer('JwtAuthorizer', props.jwtIssuer, { jwtAudience: [props.jwtAudience] });
    this.url = this.httpApi.apiEndpoint;
  }

  /** One route per ROUTES entry, served by the function it names. */
  addRoutes(functions: Record<(typeof ROUTES)[number]['fn'], IFunction>): void {
    const integrations = new Map<string, HttpLambdaIntegration>();
    // RouteSettings is a JSON map in CloudFormation (not mapped by CDK): its keys are CloudFormation's own.
    const routeSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};
    for (const route of ROUTES) {
      let integration = integrations.get(route.fn);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${route.fn}Integration`, functions[route.fn]);
        integrations.set(route.fn, integration);
      }
      const [created] = this.httpApi.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration,
        ...(route.auth ? { authorizer: this.authorizer } : {}),
      });
      const throttle = ROUTE_THROTTLES[routeKeyOf(route) as RouteKey];
      if (throttle && created) {
        routeSettings[routeKeyOf(route)] = { ThrottlingRateLimit: throttle.rateLimit, ThrottlingBurstLimit: throttle.burstLimit };
        // API Gateway refuses settings for a route key that does not exist yet.
        this.stage.node.addDependency(created);
      }
      if (!route.auth && created) {
        Validations.of(created).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            route.path === '/reconnect/{token}'
              ? 'A reconnect link, opened by the Page admin it was sent to, who has no Flamel sign-in. The request is authenticated by ' +
                'the link\'s single-use, 72-hour, 256-bit secret (stored hashed, consumed atomically; a newer link or a revoke ends it); it only ' +
                'starts a reconnect of that one connection, which the platform sign-in must complete as that same account.'
              : 'The OAuth redirect target: the platform sends the user\'s browser here, which carries no bearer token. ' +
                'The request is authenticated by its single-use, 10-minute OAuth state (stored hashed, consumed atomically) ' +
                'and PKCE; unknown, expired or replayed states are refused (STATE_INVALID / STATE_EXPIRED / STATE_USED).',
        });
      }
    }
    (this.stage.node.defaultChild as CfnStage).routeSettings = routeSettings;
  }
}
