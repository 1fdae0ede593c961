/**
 * JSON Schemas (2020-12) of what this service puts on the bus and on its queues, built from the zod
 * schemas its consumers parse with (shared/config/events.ts, shared/config/messages.ts).
 */
import { literal, type ZodMiniType } from 'zod/mini';
import { EVENT_SCHEMA_VERSION, EVENT_TYPES, connectionEventDetailSchema, eventBridgeEnvelopeSchema } from '../shared/config/events.js';
import { QUEUES } from '../shared/config/messaging.js';
import { expiryCheckMessageSchema, publishMessageSchema } from '../shared/config/messages.js';
import { jsonSchemaOf as schemaOf, type JsonSchema } from './openapi.js';

const DIALECT = 'https://json-schema.org/draft/2020-12/schema';

/**
 * One EventBridge event of one detail-type. The envelope is described as consumers accept it
 * (EventBridge adds fields of its own: account, region, resources...), the detail exactly as it is put.
 */
function eventSchema(type: string): JsonSchema {
  const envelope = schemaOf(eventBridgeEnvelopeSchema, 'input') as { properties: Record<string, JsonSchema> };
  return {
    $schema: DIALECT,
    title: type,
    description: `An EventBridge event of detail-type ${type}; detail.schemaVersion is ${EVENT_SCHEMA_VERSION} (a removed or changed field makes a new version).`,
    ...envelope,
    properties: { ...envelope.properties, 'detail-type': schemaOf(literal(type), 'output'), detail: schemaOf(connectionEventDetailSchema, 'output') },
  };
}

function queueSchema(queue: string, schema: ZodMiniType, what: string): JsonSchema {
  return { $schema: DIALECT, title: `SQS ${queue}`, description: `The body of a message on the ${queue} queue: ${what}`, ...schemaOf(schema, 'output') };
}

/** File name (under docs/contract/events/) -> schema. The alerts and post-retries queues carry the events above as they are. */
export function buildEventSchemas(): Record<string, JsonSchema> {
  const out: Record<string, JsonSchema> = {};
  for (const type of Object.values(EVENT_TYPES)) out[`${type}.schema.json`] = eventSchema(type);
  out[`sqs.${QUEUES.expiryChecks.name}.schema.json`] = queueSchema(QUEUES.expiryChecks.name, expiryCheckMessageSchema, 'one batch of a daily scan\'s connections to check.');
  out[`sqs.${QUEUES.publish.name}.schema.json`] = queueSchema(QUEUES.publish.name, publishMessageSchema, 'one post to publish (a first attempt, or a retry after a restore).');
  return out;
}
