import type { QueueKey } from './messaging.js';

/**
 * Every Lambda function: its entry file and what it touches. The CDK stack grants exactly this,
 * and the local runtime wires the same handlers.
 */
export interface FunctionSpec {
  entry: string;
  description: string;
  table: 'read' | 'readWrite';
  putsEvents: boolean;
  sendsTo: readonly QueueKey[];
  consumes?: QueueKey;
  usesTokenKey: boolean;
  usesPlatformSecrets: boolean;
  sendsEmail: boolean;
  timeoutSeconds: number;
}

export const FUNCTIONS = {
  api: {
    entry: 'functions/http/api.ts',
    description: 'Workspaces, hubs, Connected Accounts, posts and alerts',
    table: 'readWrite',
    putsEvents: true,
    sendsTo: [],
    usesTokenKey: false,
    usesPlatformSecrets: true,
    sendsEmail: false,
    timeoutSeconds: 10,
  },
  oauthCallback: {
    entry: 'functions/http/oauth-callback.ts',
    description: 'Finishes an OAuth connect or reconnect',
    table: 'readWrite',
    putsEvents: true,
    sendsTo: [],
    usesTokenKey: true,
    usesPlatformSecrets: true,
    sendsEmail: false,
    timeoutSeconds: 15,
  },
  expiryScan: {
    entry: 'functions/scheduled/expiry-scan.ts',
    description: 'Daily: pages through the due index and hands connection ids to expiry-check workers',
    table: 'read',
    putsEvents: false,
    sendsTo: ['expiryChecks'],
    usesTokenKey: false,
    usesPlatformSecrets: false,
    sendsEmail: false,
    timeoutSeconds: 300,
  },
  expiryCheck: {
    entry: 'functions/queues/expiry-check.ts',
    description: 'Refreshes or probes due connections and marks them expiring or expired',
    table: 'readWrite',
    putsEvents: true,
    sendsTo: [],
    consumes: 'expiryChecks',
    usesTokenKey: true,
    usesPlatformSecrets: true,
    sendsEmail: false,
    timeoutSeconds: 30,
  },
  alerts: {
    entry: 'functions/queues/alerts.ts',
    description: 'Dashboard alerts and owner emails for expired, expiring and restored connections',
    table: 'readWrite',
    putsEvents: false,
    sendsTo: [],
    consumes: 'alerts',
    usesTokenKey: false,
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
    usesTokenKey: false,
    usesPlatformSecrets: false,
    sendsEmail: false,
    timeoutSeconds: 60,
  },
  publish: {
    entry: 'functions/queues/publish.ts',
    description: 'Publishes a post once; an auth failure marks the connection expired',
    table: 'readWrite',
    putsEvents: true,
    sendsTo: [],
    consumes: 'publish',
    usesTokenKey: true,
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
    usesTokenKey: false,
    usesPlatformSecrets: false,
    sendsEmail: false,
    timeoutSeconds: 60,
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
