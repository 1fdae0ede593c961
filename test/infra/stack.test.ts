import { Token, type CfnResource } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENV, FUNCTIONS, type FunctionName, type FunctionSpec } from '../../shared/config/functions.js';
import { DAILY_SCAN, MAX_RECEIVE_COUNT, PUBLISH_DUE_SCHEDULE, QUEUES, RECONCILE, RULES, WEEKLY_DIGEST, queueUrlEnv, type QueueKey } from '../../shared/config/messaging.js';
import { PLATFORMS } from '../../shared/config/platforms.js';
import { ROUTES, routeKeyOf } from '../../shared/config/routes.js';
import { TABLE } from '../../shared/config/table.js';
import { CDK_CONTEXT, refOf, resourcesOf, synth, type Synthesized } from './fixture.js';

type Statement = { Effect: string; Action: string | string[]; Resource?: unknown; Principal?: unknown; Sid?: string };
const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const functionNames = Object.keys(FUNCTIONS) as FunctionName[];
const queueKeys = Object.keys(QUEUES) as QueueKey[];

const LOGS = ['logs:CreateLogStream', 'logs:PutLogEvents'];
const SQS_CONSUMER = ['sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueUrl', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'];
const READ = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];
const WRITE = ['dynamodb:PutItem', 'dynamodb:UpdateItem'];
/**
 * What each handler calls in AWS, read off functions/**, the use cases they run and the adapters in
 * shared/adapters/aws (besides logs and its queue's event source). Written out, not derived from
 * FUNCTIONS, so a spec that is wrong fails here instead of with AccessDenied after a deploy.
 * - api: workspaces, hubs, OAuth states, posts, settings, preferences, reconnect links (Put/Update);
 *   a discarded post (Delete); publish-now (publish queue); connection.removed; client ids; SES
 *   SendEmail (a reconnect link emailed to the Page's admin).
 * - digest: reads workspaces (scheduled index), connections, alerts, posts; notice claims (Put/Update,
 *   Delete when a send fails); SES SendEmail.
 * - oauthCallback: consumes the state, creates / restores connections (Put/Update); seals new tokens, and
 *   opens the stored ones to check them before a non-admin's sign-in may expire a connection.
 * - expiryScan: claims the tick's run (Update, Get when taken) and records it (Put); one message for every segment to scan-segments.
 * - scanSegment: queries the due index; claims its step (Update/Get), adds to the run's counts (Update); sends to expiry-checks, and its cursor and the segments it did not reach on to scan-segments.
 * - expiryCheck: opens tokens to refresh / probe, seals refreshed ones; run stats, platform health, rate-budget tokens; events.
 * - alerts: alerts and notice leases (Put/Update; a failed send deletes its lease); SES SendEmail.
 * - postRetries: reads a connection and its failed posts (index), sends to publish; writes nothing.
 * - publish: opens (and on refresh seals) tokens; posts, connections, alerts; Powertools idempotency
 *   records (Get/Put/Update, Delete when the publish throws); connection.expired / post_failed events.
 * - publishDue: queries the due index, sends to publish; writes nothing.
 * - reconcile: queries the reconcile index, reads posts and connections, releases lapsed claims and
 *   resolves alerts (Put/Update), sends to publish.
 */
const AUDITED_ACTIONS: Record<FunctionName, readonly string[]> = {
  api: [...READ, ...WRITE, 'dynamodb:DeleteItem', 'events:PutEvents', 'sqs:SendMessage', 'secretsmanager:GetSecretValue', 'ses:SendEmail'],
  oauthCallback: [...READ, ...WRITE, 'events:PutEvents', 'kms:Decrypt', 'kms:GenerateDataKey', 'secretsmanager:GetSecretValue'],
  expiryScan: [...READ, ...WRITE, 'sqs:SendMessage'],
  scanSegment: [...READ, ...WRITE, 'sqs:SendMessage'],
  expiryCheck: [...READ, ...WRITE, 'events:PutEvents', 'kms:Decrypt', 'kms:GenerateDataKey', 'secretsmanager:GetSecretValue'],
  alerts: [...READ, ...WRITE, 'dynamodb:DeleteItem', 'ses:SendEmail'],
  postRetries: [...READ, 'sqs:SendMessage'],
  publish: [...READ, ...WRITE, 'dynamodb:DeleteItem', 'events:PutEvents', 'kms:Decrypt', 'kms:GenerateDataKey', 'secretsmanager:GetSecretValue'],
  publishDue: [...READ, 'sqs:SendMessage'],
  reconcile: [...READ, ...WRITE, 'sqs:SendMessage'],
  digest: [...READ, ...WRITE, 'dynamodb:DeleteItem', 'ses:SendEmail'],
};

let s: Synthesized;
let logicalId: (c: IConstruct) => string;

beforeAll(() => {
  s = synth();
  logicalId = (c) => s.stack.resolve(s.stack.getLogicalId(c.node.defaultChild as CfnResource)) as string;
});

describe('stack', () => {
  it('is account- and region-agnostic (synth needs no credentials and does no lookups)', () => {
    expect(Token.isUnresolved(s.stack.account)).toBe(true);
    expect(Token.isUnresolved(s.stack.region)).toBe(true);
    expect(s.stack.stackName).toBe(`FlamelConnections-${CDK_CONTEXT.stage}`);
  });

  it('hard-codes no physical names, so several stages fit in one account', () => {
    const nameProps: Record<string, string> = {
      'AWS::SQS::Queue': 'QueueName',
      'AWS::DynamoDB::Table': 'TableName',
      'AWS::Lambda::Function': 'FunctionName',
      'AWS::IAM::Role': 'RoleName',
      'AWS::SNS::Topic': 'TopicName',
      'AWS::Logs::LogGroup': 'LogGroupName',
      'AWS::Scheduler::Schedule': 'Name',
      'AWS::Events::Rule': 'Name',
      'AWS::SecretsManager::Secret': 'Name',
      'AWS::SES::ConfigurationSet': 'Name',
    };
    for (const [id, r] of Object.entries(resourcesOf(s.template))) {
      const prop = nameProps[r.Type];
      if (prop) expect(r.Properties?.[prop], `${id} (${r.Type}) has a fixed ${prop}`).toBeUndefined();
    }
    // EventBridge requires a bus name: CDK derives it from the construct path, which starts with the stack name.
    for (const bus of Object.values(resourcesOf(s.template, 'AWS::Events::EventBus'))) {
      expect(String(bus.Properties?.Name)).toContain(s.stack.stackName.replace(/[^A-Za-z0-9]/g, ''));
    }
    const other = synth({ stage: 'staging' });
    expect(other.stack.stackName).not.toBe(s.stack.stackName);
  });
});

describe('storage and keys', () => {
  it('builds the table from shared/config/table.ts, with PITR, retained on delete', () => {
    s.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        KeySchema: [
          { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
        ],
        TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        GlobalSecondaryIndexes: Object.values(TABLE.indexes).map((index) => ({
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
      }),
    });
  });

  it('has a token key with rotation, retained on delete', () => {
    s.template.hasResource('AWS::KMS::Key', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ EnableKeyRotation: true, Description: Match.stringLikeRegexp('OAuth tokens') }),
    });
  });
});

describe('events and queues', () => {
  it('has one rule per shared rule, with the shared pattern verbatim and the shared target queues', () => {
    const rules = Object.values(resourcesOf(s.template, 'AWS::Events::Rule'));
    expect(rules).toHaveLength(RULES.length);
    const busId = logicalId(s.stack.events.bus);
    for (const spec of RULES) {
      const rule = rules.find((r) => JSON.stringify(r.Properties?.EventPattern) === JSON.stringify(spec.pattern));
      expect(rule, `rule ${spec.name}`).toMatchObject({ Type: 'AWS::Events::Rule' });
      expect(rule!.Properties?.EventPattern).toEqual(spec.pattern);
      expect(refOf(rule!.Properties?.EventBusName)).toBe(busId);
      const targets = asArray(rule!.Properties?.Targets as Record<string, unknown>[]);
      expect(targets.map((t) => refOf(t.Arn)).sort()).toEqual(spec.targets.map((k) => logicalId(s.stack.queues.queues[k])).sort());
      for (const t of targets) expect((t.DeadLetterConfig as { Arn?: unknown } | undefined)?.Arn).toEqual(expect.anything());
    }
  });

  it('gives every work queue a DLQ after MAX_RECEIVE_COUNT receives, and its shared visibility timeout', () => {
    for (const key of queueKeys) {
      const queue = resourcesOf(s.template)[logicalId(s.stack.queues.queues[key])]!;
      expect(queue.Properties?.VisibilityTimeout).toBe(QUEUES[key].visibilityTimeoutSeconds);
      expect(queue.Properties?.RedrivePolicy).toEqual({
        deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(s.stack.queues.deadLetterQueues[key]), 'Arn'] },
        maxReceiveCount: MAX_RECEIVE_COUNT,
      });
    }
  });

  it('every queue either has a DLQ or is one, and every DLQ has a depth alarm with an action', () => {
    const queues = resourcesOf(s.template, 'AWS::SQS::Queue');
    const all = resourcesOf(s.template);
    const dlqIds = new Set<string>();
    for (const r of Object.values(all)) {
      const redrive = r.Properties?.RedrivePolicy as { deadLetterTargetArn?: unknown } | undefined;
      if (redrive) dlqIds.add(refOf(redrive.deadLetterTargetArn)!);
      for (const t of asArray(r.Properties?.Targets as Record<string, unknown>[])) {
        const dlc = t.DeadLetterConfig as { Arn?: unknown } | undefined;
        if (dlc) dlqIds.add(refOf(dlc.Arn)!);
      }
      const target = r.Properties?.Target as { DeadLetterConfig?: { Arn?: unknown } } | undefined;
      if (target?.DeadLetterConfig) dlqIds.add(refOf(target.DeadLetterConfig.Arn)!);
    }
    const alarms = Object.values(resourcesOf(s.template, 'AWS::CloudWatch::Alarm'));
    for (const [id, q] of Object.entries(queues)) {
      if (!dlqIds.has(id)) {
        expect(q.Properties?.RedrivePolicy, `${id} has no DLQ`).toMatchObject({ maxReceiveCount: MAX_RECEIVE_COUNT });
        continue;
      }
      const alarm = alarms.find(
        (a) =>
          a.Properties?.MetricName === 'ApproximateNumberOfMessagesVisible' &&
          refOf((a.Properties?.Dimensions as { Value: unknown }[] | undefined)?.[0]?.Value) === id,
      );
      expect(alarm, `DLQ ${id} has no depth alarm`).toMatchObject({ Type: 'AWS::CloudWatch::Alarm' });
      expect(alarm!.Properties).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
      expect(asArray(alarm!.Properties?.AlarmActions as unknown[]).length).toBeGreaterThan(0);
    }
    // 4 work queues + their 4 DLQs + the rule-target DLQ + one DLQ per schedule (4).
    expect(dlqIds.size).toBe(queueKeys.length + 5);
  });

  it('encrypts every queue and refuses plain HTTP', () => {
    for (const [id, q] of Object.entries(resourcesOf(s.template, 'AWS::SQS::Queue'))) {
      expect(q.Properties?.SqsManagedSseEnabled, id).toBe(true);
    }
    const policies = Object.values(resourcesOf(s.template, 'AWS::SQS::QueuePolicy'));
    const tlsOnly = policies.filter((p) =>
      asArray((p.Properties?.PolicyDocument as { Statement: Statement[] }).Statement).some(
        (st) => st.Effect === 'Deny' && JSON.stringify(st).includes('aws:SecureTransport'),
      ),
    );
    expect(tlsOnly).toHaveLength(Object.keys(resourcesOf(s.template, 'AWS::SQS::Queue')).length);
  });

  it('lets each rule, and only it, deliver to its target queues and to the undelivered-events DLQ', () => {
    const policies = Object.values(resourcesOf(s.template, 'AWS::SQS::QueuePolicy'));
    const eventsSenders = (queueId: string) =>
      policies
        .filter((p) => asArray(p.Properties?.Queues as unknown[]).some((q) => refOf(q) === queueId))
        .flatMap((p) => asArray((p.Properties?.PolicyDocument as { Statement: (Statement & { Condition?: unknown })[] }).Statement))
        .filter((st) => st.Effect === 'Allow' && JSON.stringify(st.Principal) === JSON.stringify({ Service: 'events.amazonaws.com' }))
        .map((st) => {
          expect(asArray(st.Action)).toContain('sqs:SendMessage');
          expect(refOf(st.Resource)).toBe(queueId);
          return refOf((st.Condition as { ArnEquals: { 'aws:SourceArn': unknown } }).ArnEquals['aws:SourceArn'])!;
        })
        .sort();
    const ruleId = (name: string) => logicalId(s.stack.events.rules[name]!);
    for (const key of queueKeys) {
      const feeding = RULES.filter((r) => r.targets.includes(key)).map((r) => ruleId(r.name));
      expect(eventsSenders(logicalId(s.stack.queues.queues[key])), key).toEqual(feeding.sort());
    }
    // SSE-SQS (not a customer key): EventBridge needs no key policy to send to these queues.
    const targetDlqs = new Set(
      Object.values(resourcesOf(s.template, 'AWS::Events::Rule')).flatMap((r) =>
        asArray(r.Properties?.Targets as { DeadLetterConfig: { Arn: unknown } }[]).map((t) => refOf(t.DeadLetterConfig.Arn)!),
      ),
    );
    expect(targetDlqs.size).toBe(1);
    expect(eventsSenders([...targetDlqs][0]!)).toEqual(RULES.map((r) => ruleId(r.name)).sort());
  });

  it('connects every consuming function to its queue with the shared batch size and partial batch failures', () => {
    const mappings = Object.values(resourcesOf(s.template, 'AWS::Lambda::EventSourceMapping'));
    const consumers = functionNames.filter((n) => (FUNCTIONS[n] as FunctionSpec).consumes);
    expect(mappings).toHaveLength(consumers.length);
    for (const m of mappings) expect(m.Properties?.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    for (const name of consumers) {
      const key = (FUNCTIONS[name] as FunctionSpec).consumes!;
      const m = mappings.find((x) => refOf(x.Properties?.FunctionName) === logicalId(s.stack.functions.byName[name]));
      expect(m, name).toMatchObject({ Type: 'AWS::Lambda::EventSourceMapping' });
      expect(refOf(m!.Properties?.EventSourceArn)).toBe(logicalId(s.stack.queues.queues[key]));
      expect(m!.Properties?.BatchSize).toBe(QUEUES[key].batchSize);
    }
  });
});

describe('functions', () => {
  it('runs every handler on Node.js 22, ARM64, with its spec timeout and an ESM handler', () => {
    for (const name of functionNames) {
      const fn = resourcesOf(s.template)[logicalId(s.stack.functions.byName[name])]!;
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Timeout: FUNCTIONS[name].timeoutSeconds,
        Handler: 'index.handler',
      });
    }
  });

  it('gives each function the environment functions/lib/runtime.ts requires, and its spec extras only', () => {
    for (const name of functionNames) {
      const spec: FunctionSpec = FUNCTIONS[name];
      const env = (resourcesOf(s.template)[logicalId(s.stack.functions.byName[name])]!.Properties?.Environment as { Variables: Record<string, unknown> })
        .Variables;
      const expected = [
        'POWERTOOLS_SERVICE_NAME',
        'NODE_OPTIONS',
        ENV.tableName,
        ENV.eventBusName,
        ENV.dashboardOrigin,
        ENV.apiBaseUrl,
        ...spec.sendsTo.map(queueUrlEnv),
        ...(spec.tokenKey.length > 0 ? [ENV.tokenKeyId] : []),
        ...(spec.usesPlatformSecrets ? [ENV.platformSecretsName] : []),
        ...(spec.sendsEmail ? [ENV.senderEmail, ENV.sesConfigurationSet] : []),
      ];
      expect(Object.keys(env).sort(), name).toEqual(expected.sort());
      // cdk.json sets no custom origin: both are the distribution's own domain (the API is behind it).
      const distributionId = logicalId(s.stack.web.distribution);
      expect(JSON.stringify(env[ENV.dashboardOrigin])).toContain(distributionId);
      expect(env[ENV.apiBaseUrl]).toEqual(env[ENV.dashboardOrigin]);
      for (const key of spec.sendsTo) expect(refOf(env[queueUrlEnv(key)])).toBe(logicalId(s.stack.queues.queues[key]));
    }
  });

  it('grants each function exactly the actions its handler calls (audited matrix), on the right resources', () => {
    const all = resourcesOf(s.template);
    const arn = (c: IConstruct) => JSON.stringify({ 'Fn::GetAtt': [logicalId(c), 'Arn'] });
    for (const name of functionNames) {
      const spec: FunctionSpec = FUNCTIONS[name];
      const roleId = logicalId(s.stack.functions.byName[name].role!);
      const statements = Object.values(resourcesOf(s.template, 'AWS::IAM::Policy'))
        .filter((p) => asArray(p.Properties?.Roles as unknown[]).some((r) => refOf(r) === roleId))
        .flatMap((p) => (p.Properties?.PolicyDocument as { Statement: Statement[] }).Statement);
      const actions = [...new Set(statements.flatMap((st) => asArray(st.Action)))].sort();
      const resourcesFor = (action: string) =>
        statements.filter((st) => asArray(st.Action).includes(action)).flatMap((st) => asArray(st.Resource).map((r) => JSON.stringify(r)));

      expect(actions, name).toEqual([...LOGS, ...AUDITED_ACTIONS[name], ...(spec.consumes ? SQS_CONSUMER : [])].sort());
      for (const action of ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem']) {
        if (actions.includes(action)) expect(resourcesFor(action), `${name} ${action}`).toEqual([arn(s.stack.storage.table)]);
      }
      if (actions.includes('events:PutEvents')) expect(resourcesFor('events:PutEvents'), name).toEqual([arn(s.stack.events.bus)]);
      for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) {
        if (actions.includes(action)) {
          expect(resourcesFor(action), `${name} ${action}`).toEqual([arn(s.stack.keys.tokenKey)]);
          // Only data keys bound to a connection by the encryption context.
          const conditions = statements.filter((st) => asArray(st.Action).includes(action)).map((st) => (st as { Condition?: unknown }).Condition);
          expect(conditions, `${name} ${action}`).toEqual([{ Null: { 'kms:EncryptionContext:tokensOf': 'false' } }]);
        }
      }
      if (actions.includes('secretsmanager:GetSecretValue')) {
        expect(resourcesFor('secretsmanager:GetSecretValue'), name).toEqual([JSON.stringify({ Ref: logicalId(s.stack.keys.platformSecret) })]);
      }
      if (actions.includes('ses:SendEmail')) {
        const sesResources = resourcesFor('ses:SendEmail');
        expect(sesResources, name).toHaveLength(2);
        expect(sesResources.find((r) => r.includes(':identity/')), name).toContain(logicalId(s.stack.email.identity));
        expect(sesResources.find((r) => r.includes(':configuration-set/')), name).toContain(logicalId(s.stack.email.configurationSet));
      }
      expect(resourcesFor('sqs:SendMessage').sort(), name).toEqual(spec.sendsTo.map((k) => arn(s.stack.queues.queues[k])).sort());
      if (spec.consumes) expect(resourcesFor('sqs:ReceiveMessage'), name).toEqual([arn(s.stack.queues.queues[spec.consumes])]);
      // The function's role is its own, with no managed policies.
      expect(all[roleId]!.Properties?.ManagedPolicyArns, name).toBeUndefined();
    }
  });

  it('has no IAM statement allowing a wildcard action (`*` or `service:*`)', () => {
    const wildcard = (a: string) => a === '*' || /^[\w-]+:\*$/.test(a);
    const offenders: string[] = [];
    for (const [id, r] of Object.entries(resourcesOf(s.template))) {
      const docs: { Statement: Statement[] }[] = [];
      const p = r.Properties ?? {};
      if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') docs.push(p.PolicyDocument as never);
      if (r.Type === 'AWS::IAM::Role') {
        for (const inline of asArray(p.Policies as { PolicyDocument: { Statement: Statement[] } }[])) docs.push(inline.PolicyDocument);
      }
      if (r.Type === 'AWS::SQS::QueuePolicy' || r.Type === 'AWS::SNS::TopicPolicy') docs.push(p.PolicyDocument as never);
      if (r.Type === 'AWS::KMS::Key') docs.push(p.KeyPolicy as never);
      for (const doc of docs) {
        for (const st of asArray(doc.Statement)) {
          if (st.Effect !== 'Allow') continue; // a Deny with a wildcard only narrows access (TLS-only policies)
          // The KMS default key policy: the account root may administer the key, which delegates access to IAM.
          const rootDelegation =
            r.Type === 'AWS::KMS::Key' && JSON.stringify(st.Principal).includes(':root') && asArray(st.Action).join() === 'kms:*';
          if (rootDelegation) continue;
          for (const a of asArray(st.Action)) if (wildcard(a)) offenders.push(`${id}: ${a}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });
});

describe('schedules', () => {
  it('ticks the scan hourly (DAILY_SCAN.scheduleExpression) with its scheduled time as input, with its own DLQ', () => {
    expect(DAILY_SCAN.scheduleExpression).toBe('cron(0 * * * ? *)');
    s.template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: DAILY_SCAN.scheduleExpression,
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [logicalId(s.stack.functions.byName.expiryScan), 'Arn'] },
        DeadLetterConfig: { Arn: Match.anyValue() },
        // The run id is the tick's hour: a retried delivery finds the run claimed.
        Input: JSON.stringify({ scheduledAt: '<aws.scheduler.scheduled-time>' }),
        RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 3 },
      }),
    });
  });

  it('feeds the scan-segments queue (its DLQ and alarm) to scanSegment one message at a time; only the scan functions send to it', () => {
    const queue = logicalId(s.stack.queues.queues.scanSegments);
    const dlq = logicalId(s.stack.queues.deadLetterQueues.scanSegments);
    s.template.hasResourceProperties('AWS::SQS::Queue', {
      VisibilityTimeout: QUEUES.scanSegments.visibilityTimeoutSeconds,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlq, 'Arn'] }, maxReceiveCount: MAX_RECEIVE_COUNT },
    });
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Dimensions: Match.arrayWith([Match.objectLike({ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlq, 'QueueName'] } })]),
    });
    s.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [queue, 'Arn'] },
      FunctionName: { Ref: logicalId(s.stack.functions.byName.scanSegment) },
      BatchSize: 1,
      ScalingConfig: { MaximumConcurrency: QUEUES.scanSegments.maxConcurrency },
    });
    const senders = (Object.keys(FUNCTIONS) as FunctionName[]).filter((f) => (FUNCTIONS[f].sendsTo as readonly string[]).includes('scanSegments'));
    expect(senders.sort()).toEqual(['expiryScan', 'scanSegment']);
  });

  it('runs publish-due on PUBLISH_DUE_SCHEDULE, with its own DLQ', () => {
    s.template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: PUBLISH_DUE_SCHEDULE,
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [logicalId(s.stack.functions.byName.publishDue), 'Arn'] },
        DeadLetterConfig: { Arn: Match.anyValue() },
      }),
    });
    const dlqs = Object.values(resourcesOf(s.template, 'AWS::Scheduler::Schedule')).map((r) =>
      refOf((r.Properties?.Target as { DeadLetterConfig: { Arn: unknown } }).DeadLetterConfig.Arn),
    );
    expect(new Set(dlqs).size).toBe(4);
  });

  it('runs the weekly digest on WEEKLY_DIGEST.scheduleExpression, with its own DLQ', () => {
    s.template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: WEEKLY_DIGEST.scheduleExpression,
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [logicalId(s.stack.functions.byName.digest), 'Arn'] },
        DeadLetterConfig: { Arn: Match.anyValue() },
      }),
    });
  });

  it('runs the reconciliation on RECONCILE.scheduleExpression, with its own DLQ', () => {
    s.template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: RECONCILE.scheduleExpression,
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [logicalId(s.stack.functions.byName.reconcile), 'Arn'] },
        DeadLetterConfig: { Arn: Match.anyValue() },
      }),
    });
  });
});

describe('schedule roles', () => {
  it('each Scheduler role is assumable by this account\'s Scheduler only, and may invoke its one function and send to its DLQ', () => {
    const schedules = Object.values(resourcesOf(s.template, 'AWS::Scheduler::Schedule'));
    expect(schedules).toHaveLength(4);
    const all = resourcesOf(s.template);
    for (const schedule of schedules) {
      const target = schedule.Properties?.Target as { Arn: unknown; RoleArn: unknown; DeadLetterConfig: { Arn: unknown } };
      const roleId = refOf(target.RoleArn)!;
      const trust = (all[roleId]!.Properties?.AssumeRolePolicyDocument as { Statement: (Statement & { Condition?: unknown })[] }).Statement;
      expect(trust).toEqual([
        {
          Action: 'sts:AssumeRole',
          Effect: 'Allow',
          Principal: { Service: 'scheduler.amazonaws.com' },
          Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
        },
      ]);
      const statements = Object.values(resourcesOf(s.template, 'AWS::IAM::Policy'))
        .filter((p) => asArray(p.Properties?.Roles as unknown[]).some((r) => refOf(r) === roleId))
        .flatMap((p) => (p.Properties?.PolicyDocument as { Statement: Statement[] }).Statement);
      const fnId = refOf(target.Arn)!;
      for (const st of statements) {
        const actions = asArray(st.Action);
        if (actions.includes('lambda:InvokeFunction')) {
          expect(actions).toEqual(['lambda:InvokeFunction']);
          for (const r of asArray(st.Resource)) expect(JSON.stringify(r)).toContain(fnId);
        } else {
          expect(actions).toEqual(['sqs:SendMessage']);
          expect(refOf(st.Resource)).toBe(refOf(target.DeadLetterConfig.Arn));
        }
      }
      expect(statements).toHaveLength(2);
    }
  });
});

describe('HTTP API', () => {
  it('has exactly the routes of shared/config/routes.ts, auth ones behind the JWT authorizer', () => {
    const authorizers = Object.entries(resourcesOf(s.template, 'AWS::ApiGatewayV2::Authorizer'));
    expect(authorizers).toHaveLength(1);
    const [authorizerId, authorizer] = authorizers[0]!;
    expect(authorizer.Properties).toMatchObject({
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: CDK_CONTEXT.jwtIssuer, Audience: [CDK_CONTEXT.jwtAudience] },
    });

    const routes = Object.values(resourcesOf(s.template, 'AWS::ApiGatewayV2::Route'));
    expect(routes.map((r) => r.Properties?.RouteKey).sort()).toEqual(ROUTES.map(routeKeyOf).sort());
    const integrations = resourcesOf(s.template, 'AWS::ApiGatewayV2::Integration');
    for (const route of ROUTES) {
      const r = routes.find((x) => x.Properties?.RouteKey === routeKeyOf(route))!;
      if (route.auth) {
        expect(r.Properties?.AuthorizationType, routeKeyOf(route)).toBe('JWT');
        expect(refOf(r.Properties?.AuthorizerId)).toBe(authorizerId);
      } else {
        expect(r.Properties?.AuthorizationType ?? 'NONE', routeKeyOf(route)).toBe('NONE');
        expect(r.Properties?.AuthorizerId).toBeUndefined();
      }
      const target = JSON.stringify(r.Properties?.Target);
      const integrationId = Object.keys(integrations).find((id) => target.includes(id))!;
      expect(refOf(integrations[integrationId]!.Properties?.IntegrationUri), routeKeyOf(route)).toBe(logicalId(s.stack.functions.byName[route.fn]));
    }
  });

  it('takes the JWT issuer and audience from context', () => {
    const other = synth({ jwtIssuer: 'https://issuer.other.example/pool', jwtAudience: 'another-audience' });
    other.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      JwtConfiguration: { Issuer: 'https://issuer.other.example/pool', Audience: ['another-audience'] },
    });
    expect(() => synth({ jwtIssuer: 'http://plain.example' })).toThrow(/jwtIssuer/);
  });

  it('logs access and throttles on its $default stage', () => {
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('routeKey') },
      DefaultRouteSettings: Match.objectLike({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 }),
    });
  });

  it('gives each anonymous route (the OAuth callback, a reconnect link) its own, smaller limit and leaves the signed-in routes on the default', () => {
    const stages = Object.values(resourcesOf(s.template, 'AWS::ApiGatewayV2::Stage'));
    expect(stages).toHaveLength(1);
    const stage = stages[0]!;
    const settings = stage.Properties?.RouteSettings as Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }>;
    const anonymous = ROUTES.filter((r) => !r.auth).map(routeKeyOf);
    expect(anonymous).toEqual(['GET /oauth/{platform}/callback', 'GET /reconnect/{token}']);
    expect(Object.keys(settings).sort()).toEqual([...anonymous].sort());
    for (const key of anonymous) expect(settings[key], key).toEqual({ ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 });
    // No signed-in route has a route setting: each keeps the stage default (50 rps, burst 100).
    for (const route of ROUTES.filter((r) => r.auth)) expect(settings[routeKeyOf(route)], routeKeyOf(route)).toBeUndefined();
    // API Gateway refuses settings for a route key that does not exist yet: the stage waits for the routes.
    const raw = s.template.toJSON().Resources as Record<string, { Type: string; DependsOn?: string | string[] }>;
    const stageEntry = Object.values(raw).find((r) => r.Type === 'AWS::ApiGatewayV2::Stage')!;
    for (const key of anonymous) {
      const routeId = Object.entries(resourcesOf(s.template, 'AWS::ApiGatewayV2::Route')).find(([, r]) => r.Properties?.RouteKey === key)![0];
      expect(asArray(stageEntry.DependsOn), key).toContain(routeId);
    }
  });

  it('answers no CORS preflight: browsers reach it same-origin, through the distribution', () => {
    const api = Object.values(resourcesOf(s.template, 'AWS::ApiGatewayV2::Api'));
    expect(api).toHaveLength(1);
    expect(api[0]!.Properties?.CorsConfiguration).toBeUndefined();
  });

  it('gives the functions the distribution\'s domain as dashboard origin and API base URL, without a dependency cycle', () => {
    const resources = resourcesOf(s.template);
    const distributionId = logicalId(s.stack.web.distribution);
    for (const name of functionNames) {
      const vars = (resources[logicalId(s.stack.functions.byName[name])]!.Properties?.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(vars[ENV.dashboardOrigin]).toEqual({ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId, 'DomainName'] }]] });
      expect(vars[ENV.apiBaseUrl]).toEqual(vars[ENV.dashboardOrigin]);
    }
    // CloudFormation refuses cyclic templates: walk every Ref / GetAtt / DependsOn edge.
    const raw = s.template.toJSON().Resources as Record<string, { DependsOn?: string | string[] }>;
    const edges = new Map<string, Set<string>>();
    const collect = (from: string, v: unknown): void => {
      if (Array.isArray(v)) return v.forEach((x) => collect(from, x));
      if (v && typeof v === 'object') {
        const ref = refOf(v);
        if (ref && ref in raw) edges.get(from)!.add(ref);
        Object.values(v).forEach((x) => collect(from, x));
      }
    };
    for (const [id, r] of Object.entries(raw)) {
      edges.set(id, new Set(asArray(r.DependsOn)));
      collect(id, r);
    }
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (id: string, path: string[]): void => {
      if (state.get(id) === 'done') return;
      if (state.get(id) === 'visiting') throw new Error(`cycle: ${[...path, id].join(' -> ')}`);
      state.set(id, 'visiting');
      for (const next of edges.get(id) ?? []) visit(next, [...path, id]);
      state.set(id, 'done');
    };
    expect(() => Object.keys(raw).forEach((id) => visit(id, []))).not.toThrow();
  });
});

describe('email and secrets', () => {
  it('creates the SES identity of senderEmail with a configuration set, and a platform credentials secret', () => {
    s.template.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: CDK_CONTEXT.senderEmail,
      ConfigurationSetAttributes: { ConfigurationSetName: Match.anyValue() },
    });
    const secret = Object.values(resourcesOf(s.template, 'AWS::SecretsManager::Secret'));
    expect(secret).toHaveLength(1);
    const placeholder = JSON.parse(String(secret[0]!.Properties?.SecretString));
    expect(Object.keys(placeholder).sort()).toEqual(['facebook', 'instagram', 'linkedin', 'tiktok', 'x']);
    expect(placeholder.x).toEqual({ clientId: '', clientSecret: '' });
  });
});

describe('alarms', () => {
  it('lets CloudWatch alarms (of this account only) publish to the encrypted alarm topic', () => {
    const topics = Object.keys(resourcesOf(s.template, 'AWS::SNS::Topic'));
    expect(topics).toHaveLength(1);
    const topicId = topics[0]!;
    // enforceSSL's topic policy replaces SNS's default one: without an Allow, no alarm action is ever delivered.
    const statements = Object.values(resourcesOf(s.template, 'AWS::SNS::TopicPolicy'))
      .filter((p) => asArray(p.Properties?.Topics as unknown[]).some((t) => refOf(t) === topicId))
      .flatMap((p) => asArray((p.Properties?.PolicyDocument as { Statement: Statement[] }).Statement));
    const allow = statements.filter(
      (st) => st.Effect === 'Allow' && asArray(st.Action).includes('sns:Publish') && JSON.stringify(st.Principal) === JSON.stringify({ Service: 'cloudwatch.amazonaws.com' }),
    );
    expect(allow).toHaveLength(1);
    expect(refOf(allow[0]!.Resource)).toBe(topicId);
    expect(JSON.stringify(allow[0])).toContain('aws:SourceAccount');
    // ...and may use the topic's key.
    const keyId = refOf((resourcesOf(s.template)[topicId]!.Properties?.KmsMasterKeyId as unknown) ?? undefined)!;
    const keyStatements = asArray((resourcesOf(s.template)[keyId]!.Properties?.KeyPolicy as { Statement: Statement[] }).Statement);
    expect(keyStatements.some((st) => JSON.stringify(st.Principal).includes('cloudwatch.amazonaws.com') && asArray(st.Action).includes('kms:GenerateDataKey'))).toBe(true);
  });

  it('sends every alarm (DLQ depth, function errors, service metrics) to the alarm topic, on ALARM and on OK', () => {
    const topicId = Object.keys(resourcesOf(s.template, 'AWS::SNS::Topic'))[0]!;
    const alarms = Object.entries(resourcesOf(s.template, 'AWS::CloudWatch::Alarm'));
    // One per DLQ (work queues, rule targets, four schedules), one per function, and the service's own
    // (expired share per platform, daily scan missing, integration problem: test/infra/observability.test.ts).
    expect(alarms).toHaveLength(queueKeys.length + 5 + functionNames.length + PLATFORMS.length + 2);
    for (const [id, alarm] of alarms) {
      expect(asArray(alarm.Properties?.AlarmActions as unknown[]).map(refOf), id).toEqual([topicId]);
      expect(asArray(alarm.Properties?.OKActions as unknown[]).map(refOf), id).toEqual([topicId]);
    }
  });
});

describe('logs', () => {
  it('gives every log group (functions, API access logs) a retention', () => {
    const groups = Object.entries(resourcesOf(s.template, 'AWS::Logs::LogGroup'));
    expect(groups).toHaveLength(functionNames.length + 1);
    for (const [id, g] of groups) expect(g.Properties?.RetentionInDays, id).toBeGreaterThan(0);
    for (const name of functionNames) {
      const fn = resourcesOf(s.template)[logicalId(s.stack.functions.byName[name])]!;
      expect(refOf((fn.Properties?.LoggingConfig as { LogGroup?: unknown } | undefined)?.LogGroup), name).toMatch(/\S/);
    }
  });
});
