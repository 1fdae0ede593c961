import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { FUNCTIONS, tableActionsOf, type FunctionName } from '../../shared/config/functions.js';
import type { PlatformRegistry } from '../../shared/ports/platform.js';
import type { Deps } from '../../shared/use-cases/deps.js';

/** What IAM would answer in AWS: the function's spec does not allow this call. */
export class LocalAccessDeniedError extends Error {
  override readonly name = 'LocalAccessDeniedError';
  constructor(fn: FunctionName, action: string) {
    super(`AccessDenied: function ${fn} may not call ${action}; its spec in shared/config/functions.ts (and so its IAM role) does not allow it`);
  }
}

/**
 * Local IAM: refuses every DynamoDB call this client makes that the function's spec does not grant
 * (the SDK's command name is the IAM action: PutItemCommand -> dynamodb:PutItem).
 */
export function guardDynamoClient(fn: FunctionName, client: DynamoDBClient): DynamoDBClient {
  const allowed = new Set(tableActionsOf(FUNCTIONS[fn].table));
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const action = `dynamodb:${String(context.commandName ?? '').replace(/Command$/, '')}`;
      if (!allowed.has(action)) throw new LocalAccessDeniedError(fn, action);
      return next(args);
    },
    { step: 'initialize', name: 'localFunctionPermissions' },
  );
  return client;
}

/**
 * The ports one function gets locally: the shared ones, each limited to what the function's spec
 * says it uses (the same spec the CDK stack turns into its role), so a use case that starts
 * touching something its function may not fails in the local tests, not first in AWS.
 * `store` must already sit on a client passed through guardDynamoClient for this function.
 */
export function depsForFunction(fn: FunctionName, shared: Deps, store: Deps['store']): Deps {
  const spec = FUNCTIONS[fn];
  const deny = (action: string) => Promise.reject(new LocalAccessDeniedError(fn, action));
  const tokenKey: readonly string[] = spec.tokenKey;
  const sendsTo: readonly string[] = spec.sendsTo;
  const noPlatforms = new Proxy({} as PlatformRegistry, {
    get: (_target, platform) => {
      throw new LocalAccessDeniedError(fn, `secretsmanager:GetSecretValue (platform credentials for ${String(platform)})`);
    },
  });
  return {
    ...shared,
    store,
    bus: spec.putsEvents ? shared.bus : { publish: () => deny('events:PutEvents') },
    queues: { sendBatch: (queue, bodies) => (sendsTo.includes(queue) ? shared.queues.sendBatch(queue, bodies) : deny(`sqs:SendMessage on ${queue}`)) },
    mailer: spec.sendsEmail ? shared.mailer : { send: () => deny('ses:SendEmail') },
    cipher: {
      seal: (plaintext, aad) => (tokenKey.includes('seal') ? shared.cipher.seal(plaintext, aad) : deny('kms:GenerateDataKey')),
      open: (sealed, aad) => (tokenKey.includes('open') ? shared.cipher.open(sealed, aad) : deny('kms:Decrypt')),
    },
    platforms: spec.usesPlatformSecrets ? shared.platforms : noPlatforms,
  };
}
