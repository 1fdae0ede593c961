import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, Code, Runtime } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogLevel, NodejsFunction, OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { join } from 'node:path';
import { ENV, FUNCTIONS, TABLE_ACTIONS, tableActionsOf, type FunctionName, type FunctionSpec, type TokenKeyUse } from '../../shared/config/functions.js';
import { QUEUES, queueUrlEnv, type QueueKey } from '../../shared/config/messaging.js';
import { METRICS_SERVICE } from '../../shared/config/metrics.js';
import { BUNDLE, NODE_MAJOR, REPO_ROOT, entryPath } from '../bundle.js';
import type { Email } from './email.js';
import type { Observability } from './observability.js';

/** The Lambda runtime; must match the esbuild target of infra/bundle.ts. */
export const RUNTIME = Runtime.NODEJS_22_X;
if (RUNTIME.name !== `nodejs${NODE_MAJOR}.x`) throw new Error(`Runtime ${RUNTIME.name} does not match the bundle target ${BUNDLE.target}`);

/** Value of POWERTOOLS_SERVICE_NAME: the Powertools logger's service name, and the metrics' `service` dimension. */
export const SERVICE_NAME = METRICS_SERVICE;

/** KMS action behind each use of the token key (shared/adapters/aws/kms-data-keys.ts). */
export const TOKEN_KEY_ACTIONS: Record<TokenKeyUse, string> = {
  seal: 'kms:GenerateDataKey',
  open: 'kms:Decrypt',
};

/** `BUNDLE` (infra/bundle.ts, also used by the benchmark) as NodejsFunction bundling options. */
export function nodejsBundling(): BundlingOptions {
  const formats = { esm: OutputFormat.ESM, cjs: OutputFormat.CJS } as const;
  const levels = { warning: LogLevel.WARNING } as const;
  return {
    target: BUNDLE.target,
    format: formats[BUNDLE.format],
    minify: BUNDLE.minify,
    sourceMap: BUNDLE.sourcemap,
    sourcesContent: BUNDLE.sourcesContent,
    mainFields: [...BUNDLE.mainFields],
    bundleAwsSDK: BUNDLE.bundleAwsSdk,
    externalModules: BUNDLE.bundleAwsSdk ? [] : [...BUNDLE.external],
    banner: BUNDLE.banner,
    logLevel: levels[BUNDLE.logLevel],
    forceDockerBundling: false,
  };
}

/** Everything a function may be bound to; which parts it gets follows its FunctionSpec. */
export interface ServiceResources {
  table: ITable;
  indexNames: readonly string[];
  bus: IEventBus;
  queues: Record<QueueKey, IQueue>;
  tokenKey: IKey;
  platformSecret: ISecret;
  email: Email;
}

/** Settings every function needs whatever it touches (the handlers' env schema requires them). */
export interface ServiceSettings {
  dashboardOrigin: string;
  apiBaseUrl: string;
}

/**
 * The environment of one function. functions/lib/aws/deps.ts requires TABLE_NAME, EVENT_BUS_NAME,
 * DASHBOARD_ORIGIN and API_BASE_URL in every function, so those are always set (a name is not a
 * permission: the grants below follow the spec); the rest only where the spec says the function uses it.
 */
export function environmentFor(spec: FunctionSpec, r: ServiceResources, settings: ServiceSettings): Record<string, string> {
  const env: Record<string, string> = {
    POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
    NODE_OPTIONS: '--enable-source-maps',
    [ENV.tableName]: r.table.tableName,
    [ENV.eventBusName]: r.bus.eventBusName,
    [ENV.dashboardOrigin]: settings.dashboardOrigin,
    [ENV.apiBaseUrl]: settings.apiBaseUrl,
  };
  for (const key of spec.sendsTo) env[queueUrlEnv(key)] = r.queues[key].queueUrl;
  if (spec.tokenKey.length > 0) env[ENV.tokenKeyId] = r.tokenKey.keyArn;
  if (spec.usesPlatformSecrets) env[ENV.platformSecretsName] = r.platformSecret.secretArn;
  if (spec.sendsEmail) {
    env[ENV.senderEmail] = r.email.senderEmail;
    env[ENV.sesConfigurationSet] = r.email.configurationSet.configurationSetName;
  }
  return env;
}

/** The IAM statements of one function, derived from its spec alone. */
export function statementsFor(spec: FunctionSpec, r: ServiceResources): PolicyStatement[] {
  const indexArns = r.indexNames.map((name) => `${r.table.tableArn}/index/${name}`);
  const statements = [
    new PolicyStatement({ sid: 'TableRead', actions: [...TABLE_ACTIONS.read], resources: [r.table.tableArn, ...indexArns] }),
  ];
  if (spec.table !== 'read') {
    const actions = tableActionsOf(spec.table).filter((a) => !(TABLE_ACTIONS.read as readonly string[]).includes(a));
    statements.push(new PolicyStatement({ sid: 'TableWrite', actions, resources: [r.table.tableArn] }));
  }
  if (spec.putsEvents) {
    statements.push(new PolicyStatement({ sid: 'PutEvents', actions: ['events:PutEvents'], resources: [r.bus.eventBusArn] }));
  }
  if (spec.sendsTo.length > 0) {
    // SendMessageBatch is authorised by sqs:SendMessage.
    statements.push(
      new PolicyStatement({ sid: 'SendMessages', actions: ['sqs:SendMessage'], resources: spec.sendsTo.map((key) => r.queues[key].queueArn) }),
    );
  }
  if (spec.tokenKey.length > 0) {
    // Sealing needs only GenerateDataKey, opening only Decrypt: each function gets the uses its spec names.
    const actions = [...new Set(spec.tokenKey)].map((use) => TOKEN_KEY_ACTIONS[use]);
    // Only data keys bound to a connection (shared/adapters/aws/kms-data-keys.ts sets the context).
    statements.push(
      new PolicyStatement({ sid: 'TokenKey', actions, resources: [r.tokenKey.keyArn], conditions: { Null: { 'kms:EncryptionContext:tokensOf': 'false' } } }),
    );
  }
  if (spec.usesPlatformSecrets) {
    statements.push(
      new PolicyStatement({ sid: 'PlatformCredentials', actions: ['secretsmanager:GetSecretValue'], resources: [r.platformSecret.secretArn] }),
    );
  }
  if (spec.sendsEmail) {
    statements.push(new PolicyStatement({ sid: 'SendEmail', actions: ['ses:SendEmail'], resources: r.email.sendEmailResources }));
  }
  return statements;
}

export interface ServiceFunctionProps {
  name: FunctionName;
  resources: ServiceResources;
  settings: ServiceSettings;
  /** Inline placeholder code instead of the esbuild bundle (infrastructure tests only). */
  skipBundling: boolean;
}

/**
 * One handler of shared/config/functions.ts as a Lambda function, with the service's defaults in one
 * place: Node.js 22 on ARM64, bundled by esbuild locally (no Docker) with infra/bundle.ts's options,
 * its own role holding exactly the spec's grants, its own log group, its environment, and the SQS
 * event source (partial batch failures) when it consumes a queue.
 */
export class ServiceFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly spec: FunctionSpec;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    const spec: FunctionSpec = FUNCTIONS[props.name];
    this.spec = spec;
    const logGroup = new LogGroup(this, 'Logs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    // Not the AWSLambdaBasicExecutionRole managed policy: that one may write to any log group.
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `flamel-connections ${props.name}`,
    });
    role.addToPrincipalPolicy(
      new PolicyStatement({ sid: 'Logs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
    );
    for (const statement of statementsFor(spec, props.resources)) role.addToPrincipalPolicy(statement);

    this.fn = new NodejsFunction(this, 'Function', {
      description: spec.description,
      runtime: RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: 512,
      timeout: Duration.seconds(spec.timeoutSeconds),
      role,
      logGroup,
      environment: environmentFor(spec, props.resources, props.settings),
      entry: entryPath(props.name),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      bundling: nodejsBundling(),
      ...(props.skipBundling ? { code: Code.fromInline('export const handler = async () => undefined;'), handler: 'index.handler' } : {}),
    });
    Validations.of(this.fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        `Pinned to Node.js ${NODE_MAJOR}, the runtime the service is built and tested for (esbuild target ${BUNDLE.target}); ` +
        'it is a supported Lambda runtime. Moving on is a change of RUNTIME here and NODE_MAJOR in infra/bundle.ts.',
    });

    if (spec.consumes) {
      const queue = props.resources.queues[spec.consumes];
      // Adds sqs:ReceiveMessage/DeleteMessage/ChangeMessageVisibility/GetQueueAttributes/GetQueueUrl on this queue only.
      this.fn.addEventSource(new SqsEventSource(queue, { batchSize: QUEUES[spec.consumes].batchSize, maxConcurrency: QUEUES[spec.consumes].maxConcurrency, reportBatchItemFailures: true }));
    }
  }
}

export interface FunctionsProps {
  resources: ServiceResources;
  settings: ServiceSettings;
  observability: Observability;
  skipBundling: boolean;
}

/** One ServiceFunction per entry of FUNCTIONS, each with an errors alarm. */
export class Functions extends Construct {
  readonly byName: Record<FunctionName, NodejsFunction>;

  constructor(scope: Construct, id: string, props: FunctionsProps) {
    super(scope, id);
    checkQueueConsumers();
    const byName: Partial<Record<FunctionName, NodejsFunction>> = {};
    for (const name of Object.keys(FUNCTIONS) as FunctionName[]) {
      const { fn } = new ServiceFunction(this, name, {
        name,
        resources: props.resources,
        settings: props.settings,
        skipBundling: props.skipBundling,
      });
      props.observability.alarmOnErrors(name, fn);
      byName[name] = fn;
    }
    this.byName = byName as Record<FunctionName, NodejsFunction>;
  }
}

/**
 * The two modules must agree: each queue is consumed by the function it names, and its visibility
 * timeout is at least six times that function's timeout (AWS's advice for Lambda event sources).
 */
function checkQueueConsumers(): void {
  for (const key of Object.keys(QUEUES) as QueueKey[]) {
    const queue = QUEUES[key];
    const consumer = (FUNCTIONS as Record<string, FunctionSpec>)[queue.consumer];
    if (!consumer || consumer.consumes !== key) throw new Error(`Queue ${queue.name}: its consumer ${queue.consumer} does not consume it`);
    if (queue.visibilityTimeoutSeconds < 6 * consumer.timeoutSeconds) {
      throw new Error(`Queue ${queue.name}: visibility ${queue.visibilityTimeoutSeconds}s < 6 x ${queue.consumer}'s ${consumer.timeoutSeconds}s`);
    }
  }
}
