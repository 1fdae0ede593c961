import { CfnOutput, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { StageConfig } from './config.js';
import { Api } from './constructs/api.js';
import { Email } from './constructs/email.js';
import { Events } from './constructs/events.js';
import { Functions } from './constructs/functions.js';
import { Keys } from './constructs/keys.js';
import { Observability } from './constructs/observability.js';
import { Queues } from './constructs/queues.js';
import { Schedules } from './constructs/schedule.js';
import { Storage } from './constructs/storage.js';
import { Web } from './constructs/web.js';

export interface ConnectionsStackProps extends StackProps {
  config: StageConfig;
  /** Inline placeholder code instead of esbuild bundles (infrastructure tests only). */
  skipBundling?: boolean;
}

/**
 * flamel-connections in one stack, one construct per concern. Account- and region-agnostic (no `env`,
 * no lookups) and without hard-coded physical names, so any number of stages fit in one account.
 */
export class ConnectionsStack extends Stack {
  readonly observability: Observability;
  readonly storage: Storage;
  readonly keys: Keys;
  readonly queues: Queues;
  readonly events: Events;
  readonly email: Email;
  readonly api: Api;
  readonly web: Web;
  readonly functions: Functions;
  readonly schedules: Schedules;

  constructor(scope: Construct, id: string, props: ConnectionsStackProps) {
    super(scope, id, props);
    const { config } = props;
    Tags.of(this).add('service', 'flamel-connections');
    Tags.of(this).add('stage', config.stage);

    this.observability = new Observability(this, 'Observability', { alarmEmail: config.alarmEmail });
    this.storage = new Storage(this, 'Storage');
    this.keys = new Keys(this, 'Keys');
    this.queues = new Queues(this, 'Queues', { observability: this.observability });
    this.events = new Events(this, 'Events', { queues: this.queues.queues, observability: this.observability });
    this.email = new Email(this, 'Email', { senderEmail: config.senderEmail });
    this.api = new Api(this, 'Api', { jwtIssuer: config.jwtIssuer, jwtAudience: config.jwtAudience });
    // The dashboard and the API on one origin. The distribution needs only the API's id, so the
    // functions (created next) may name its domain without a dependency cycle.
    this.web = new Web(this, 'Web', {
      httpApi: this.api.httpApi,
      dashboardConfig: { issuer: config.jwtIssuer, audience: config.jwtAudience },
      ...(config.dashboardOrigin ? { customDomain: { origin: config.dashboardOrigin, certificateArn: config.dashboardCertificateArn } } : {}),
      ...(config.webAclArn ? { webAclArn: config.webAclArn } : {}),
    });
    const origin = this.web.origin;
    this.functions = new Functions(this, 'Functions', {
      resources: {
        table: this.storage.table,
        indexNames: this.storage.indexNames,
        bus: this.events.bus,
        queues: this.queues.queues,
        tokenKey: this.keys.tokenKey,
        platformSecret: this.keys.platformSecret,
        email: this.email,
      },
      // The API is served from the dashboard's origin: redirect URIs and the sign-in cookie share it.
      settings: { dashboardOrigin: origin, apiBaseUrl: origin },
      observability: this.observability,
      skipBundling: props.skipBundling ?? false,
    });
    this.api.addRoutes(this.functions.byName);
    this.schedules = new Schedules(this, 'Schedules', {
      expiryScan: this.functions.byName.expiryScan,
      publishDue: this.functions.byName.publishDue,
      reconcile: this.functions.byName.reconcile,
      digest: this.functions.byName.digest,
      observability: this.observability,
    });

    new CfnOutput(this, 'DashboardUrl', { value: `${origin}/app/`, description: 'The dashboard; the API is served from the same origin' });
    new CfnOutput(this, 'DistributionDomainName', {
      value: this.web.distribution.distributionDomainName,
      description: 'Point the custom dashboardOrigin host here (CNAME / alias)',
    });
    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'HTTP API endpoint (execute-api), behind the distribution' });
    new CfnOutput(this, 'OAuthRedirectUriPattern', {
      value: `${origin}/oauth/{platform}/callback`,
      description: 'Register this redirect URI (with the platform name) in each platform app',
    });
    new CfnOutput(this, 'PlatformSecretArn', { value: this.keys.platformSecret.secretArn, description: 'Put the platforms\' client ids and secrets here' });
    new CfnOutput(this, 'TableName', { value: this.storage.table.tableName });
    new CfnOutput(this, 'EventBusName', { value: this.events.bus.eventBusName });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.observability.topic.topicArn });
  }
}
