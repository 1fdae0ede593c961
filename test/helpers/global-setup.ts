import type { TestProject } from 'vitest/node';
import { startDynalite } from '../../local/services/dynamo.js';

/** One dynalite for the whole run (the DynamoDB API over HTTP); each test file makes its own table. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dynamo = await startDynalite();
  project.provide('dynamoEndpoint', dynamo.endpoint);
  return () => dynamo.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}
