import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { CorsHttpMethod, HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ROUTES } from '../../shared/config/routes.js';

export interface ApiProps {
  jwtIssuer: string;
  jwtAudience: string;
  /** Allowed CORS origin (the dashboard). */
  dashboardOrigin: string;
}

/**
 * The HTTP API (API Gateway v2) with one route per entry of shared/config/routes.ts: `auth` routes
 * behind a JWT authorizer (issuer and audience from context), the OAuth callback open (the platform
 * redirects the browser there; the single-use state authenticates it). Access logs, throttling, CORS
 * for the dashboard.
 *
 * Routes are added by `addRoutes` once the functions exist: the functions may need the API's URL
 * (API_BASE_URL) first, and the URL depends only on the API resource, not on its routes, so there
 * is no dependency cycle.
 */
export class Api extends Construct {
  readonly httpApi: HttpApi;
  readonly authorizer: HttpJwtAuthorizer;
  /** `https://{id}.execute-api.{region}.amazonaws.com` (the `$default` stage has no path). */
  readonly url: string;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'flamel-connections: workspaces, connected accounts, posts, alerts, OAuth callback',
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: [props.dashboardOrigin],
        // Every method a route uses (PUT /workspaces/{ws}/settings included), so the dashboard's
        // preflight never refuses one of the contract's calls.
        allowMethods: [...new Set(ROUTES.map((route) => CorsHttpMethod[route.method]))],
        allowHeaders: ['authorization', 'content-type', 'x-workspace-context'],
        maxAge: Duration.hours(1),
      },
    });
    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: 50, burstLimit: 100 },
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
      if (!route.auth && created) {
        Validations.of(created).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            'The OAuth redirect target: the platform sends the user\'s browser here, which carries no bearer token. ' +
            'The request is authenticated by its single-use, 10-minute OAuth state (stored hashed, consumed atomically) ' +
            'and PKCE; unknown, expired or replayed states are refused (STATE_INVALID / STATE_EXPIRED / STATE_USED).',
        });
      }
    }
  }
}
