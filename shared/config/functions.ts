import type { QueueKey } from './messaging.js';

/**
 * How a function uses the token key (shared/adapters/token-cipher.ts over KMS): `seal` encrypts new
 * tokens with a fresh data key (kms:GenerateDataKey), `open` unwraps a stored one (kms:Decrypt).
 */
export type TokenKeyUse = 'seal' | 'open';

/**
 * DynamoDB actions by access level. Only what the store adapter and the Powertools idempotency layer
 * call: Get/BatchGet/Query to read (the expiry check reads a message's connections in one BatchGetItem),
 * Put/Update to write, Delete only where the spec says so. No Scan: the expiry scan reads the due
 * index. No batch writes or transactions: nothing calls them. The stack
 * grants these; the local runtime refuses any other call a function makes (local/services/function-permissions.ts).
 */
export const TABLE_ACTIONS = {
  read: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'],
  write: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
  delete: ['dynamodb:DeleteItem'],
} as const;

/** Every DynamoDB action a function with this table access may call. */
export function tableActionsOf(access: FunctionSpec['table']): string[] {
  return [...TABLE_ACTIONS.read, ...(access === 'read' ? [] : TABLE_ACTIONS.write), ...(access === 'readWriteDelete' ? TABLE_ACTIONS.delete : [])];
}

/**
 * Every Lambda function: its entry file and what it touches. The CDK stack grants exactly this,
 * and the local runtime gives each handler only the same (local/services/function-permissions.ts), so
 * a call a spec leaves out fails in the tests as it would in AWS. When a use case starts writing,
 * deleting, sealing or opening, update its functions' specs here (test/infra/stack.test.ts holds the
 * audited matrix of actions per function).
 */
export interface FunctionSpec {
  entry: string;
  description: string;
  /**
   * `read`: GetItem / BatchGetItem / Query (table and indexes). `readWrite`: also PutItem / UpdateItem.
   * `readWriteDelete`: also DeleteItem (notice leases released; Powertools idempotency records
   * deleted when the wrapped call throws).
   */
  table: 'read' | 'readWrite' | 'readWriteDelete';
  putsEvents: boolean;
  sendsTo: readonly QueueKey[];
  consumes?: QueueKey;
  /** Empty: no token key (and no TOKEN_KEY_ID). */
  tokenKey: readonly TokenKeyUse[];
  usesPlatformSecrets: boolean;
  sendsEmail: boolean;
  timeoutSeconds: number;
}

export const FUNCTIONS = {
  api: {
    entry: 'functions/http/api.ts',
    description: 'Workspaces, hubs, Connected Accounts, posts and alerts',
    // Delete: a discarded post (DELETE .../posts/{id}); publish: publish-now.
    table: 'readWriteDelete',
    putsEvents: true,
    sendsTo: ['publish'],
    tokenKey: [],
    usesPlatformSecrets: true,
    // A reconnect link may be emailed to the Page's admin as it is created.
    sendsEmail: true,
    timeoutSeconds: 10,
  },
  oauthCallback: {
    entry: 'functions/http/oauth-callback.ts',
    description: 'Finishes an OAuth connect or reconnect; opens reconnect links',
    table: 'readWrite',
    putsEvents: true,
    sendsTo: [],
    // seal: the new tokens; open: a non-admin's sign-in first checks whether the stored access still works.
    tokenKey: ['open', 'seal'],
    usesPlatformSecrets: true,
    sendsEmail: false,
    timeoutSeconds: 15,
  },
  expiryScan: {
    entry: 'functions/scheduled/expiry-scan.ts',
    description: 'Hourly: starts a scan run, one scan-segments message per segment of the due index',
    // Write: the run's record (claimed once per tick).
    table: 'readWrite',
    putsEvents: false,
    sendsTo: ['scanSegments'],
    tokenKey: [],
    usesPlatformSecrets: false,
    sendsEmail: false,
    timeoutSeconds: 30,
  },
  scanSegment: {
    entry: 'functions/queues/scan-segment.ts',
    description: 'Reads one segment of the due index within a budget, hands connection ids to expiry-check workers, sends its cursor on',
    // Write: the segment step's claim and the run's counters.
    table: 'readWrite',
    putsEvents: false,
    sendsTo: ['expiryChecks', 'scanSegments'],
    consumes: 'scanSegments',
    tokenKey: [],
    usesPlatformSecrets: false,
    sendsEmail: false,
    timeoutSeconds: 60,
  },
  expiryCheck: {
    entry: 'functions/queues/expiry-check.ts',
    description: 'Refreshes or probes due connections and marks them expiring or expired',
    table: 'readWrite',
    putsEvents: true,
    sendsTo: [],
    consumes: 'expiryChecks',
    tokenKey: ['open', 'seal'],
    usesPlatformSecrets: true,
    sendsEmail: false,
    timeoutSeconds: 30,
  },
  alerts: {
    entry: 'functions/queues/alerts.ts',
    description: 'Dashboard alerts and owner emails for expired, expiring and restored connections',
    table: 'readWriteDelete',
    putsEvents: false,
    sendsTo: [],
    consumes: 'alerts',
    tokenKey: [],
    usesPlatformSecrets: false,
    sendsEmail: true,
    timeoutSeconds: 30,
  },
  postRetries: {
    entry: 'functions/queues/post-retries.ts',
    description: 'After a restore, enqueues every failed post of the connection for publishing',
    table: 'read',
    putsEvents: false,
    sendsTo: ['publish'],
    consumes: 'postRetries',
    tokenKey: [],
    usesPlatformSecrets: false,
    sendsEmail: false,
    timeoutSeconds: 60,
  },
  publish: {
    entry: 'functions/queues/publish.ts',
    description: 'Publishes a post once; an auth failure marks the connection expired',
    table: 'readWriteDelete',
    putsEvents: true,
    sendsTo: [],
    consumes: 'publish',
    tokenKey: ['open', 'seal'],
    usesPlatformSecrets: true,
    sendsEmail: false,
    timeoutSeconds: 30,
  },
  publishDue: {
    entry: 'functions/scheduled/publish-due.ts',
    description: 'Every minute: enqueues scheduled posts whose time has come',
    table: 'read',
    putsEvents: false,
    sendsTo: ['publish'],
    tokenKey: [],
    usesPlatformSecrets: false,
    sendsEmail: false,
    timeoutSeconds: 60,
  },
  reconcile: {
    entry: 'functions/scheduled/reconcile.ts',
    description: 'Every 10 minutes: re-enqueues failed posts of working connections, releases lapsed claims, resolves alerts a lost restore left open',
    table: 'readWrite',
    putsEvents: false,
    sendsTo: ['publish'],
    tokenKey: [],
    usesPlatformSecrets: false,
    sendsEmail: false,
    timeoutSeconds: 300,
  },
  digest: {
    entry: 'functions/scheduled/digest.ts',
    description: 'Weekly: emails each owner who wants it the digest of their workspace (one per owner, workspace and ISO week)',
    // Write: the digest's notice claims; delete: a claim released when its send failed (so a re-run sends it).
    table: 'readWriteDelete',
    putsEvents: false,
    sendsTo: [],
    tokenKey: [],
    usesPlatformSecrets: false,
    sendsEmail: true,
    timeoutSeconds: 300,
  },
} as const satisfies Record<string, FunctionSpec>;
export type FunctionName = keyof typeof FUNCTIONS;

/** Environment variable names, shared by the stack (which sets them) and the handlers (which read them). */
export const ENV = {
  tableName: 'TABLE_NAME',
  eventBusName: 'EVENT_BUS_NAME',
  tokenKeyId: 'TOKEN_KEY_ID',
  platformSecretsName: 'PLATFORM_SECRETS_NAME',
  senderEmail: 'SENDER_EMAIL',
  sesConfigurationSet: 'SES_CONFIGURATION_SET',
  dashboardOrigin: 'DASHBOARD_ORIGIN',
  apiBaseUrl: 'API_BASE_URL',
} as const;
