import { buildEventSchemas } from './events.js';
import { buildOpenApi } from './openapi.js';

/** Where the documents live, relative to the repository root. */
export const CONTRACT_DIR = 'docs/contract';

/** Every contract document (path under CONTRACT_DIR -> its text), as contract/generate.ts writes it. */
export function contractDocuments(): Record<string, string> {
  const text = (doc: unknown) => `${JSON.stringify(doc, null, 2)}\n`;
  const docs: Record<string, string> = { 'openapi.json': text(buildOpenApi()) };
  for (const [file, schema] of Object.entries(buildEventSchemas())) docs[`events/${file}`] = text(schema);
  return docs;
}
