/**
 * Writes the contract documents (docs/contract/) from the code: `npx tsx contract/generate.ts`.
 * test/unit/contract/documents.test.ts fails while the committed documents and the code differ.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CONTRACT_DIR, contractDocuments } from './documents.js';

const docs = contractDocuments();
const eventsDir = join(CONTRACT_DIR, 'events');
mkdirSync(eventsDir, { recursive: true });
// A schema whose event or queue is gone goes too.
for (const file of readdirSync(eventsDir, { withFileTypes: true }).filter((f) => f.isFile())) {
  if (!(`events/${file.name}` in docs)) rmSync(join(eventsDir, file.name));
}
for (const [path, text] of Object.entries(docs)) {
  mkdirSync(dirname(join(CONTRACT_DIR, path)), { recursive: true });
  writeFileSync(join(CONTRACT_DIR, path), text);
}
console.log(`wrote ${Object.keys(docs).length} documents to ${CONTRACT_DIR}/`);
