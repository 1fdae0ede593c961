import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTRACT_DIR, contractDocuments } from '../../../contract/documents.js';
import { EVENT_TYPES } from '../../../shared/config/events.js';
import { ROUTES } from '../../../shared/config/routes.js';

const REGENERATE = 'the code and docs/contract/ differ: run `npx tsx contract/generate.ts` and commit the documents';
const generated = contractDocuments();
const committed = (path: string) => readFileSync(join(CONTRACT_DIR, path), 'utf8');

describe('docs/contract/ is what the code says', () => {
  it.each(Object.keys(generated))('%s matches the code', (path) => {
    expect(committed(path), `${path}: ${REGENERATE}`).toBe(generated[path]);
  });

  it('holds no event schema the code no longer has', () => {
    const files = readdirSync(join(CONTRACT_DIR, 'events')).map((f) => `events/${f}`);
    expect(files.sort(), REGENERATE).toEqual(Object.keys(generated).filter((p) => p.startsWith('events/')).sort());
  });

  it('describes every route, with its bearer requirement', () => {
    const doc = JSON.parse(committed('openapi.json')) as { paths: Record<string, Record<string, { security: unknown[] }>> };
    const described = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, auth: op.security.length > 0 })));
    expect(described.sort((a, b) => a.key.localeCompare(b.key))).toEqual(ROUTES.map((r) => ({ key: `${r.method} ${r.path}`, auth: r.auth })).sort((a, b) => a.key.localeCompare(b.key)));
  });

  it('has one schema per event detail-type, each requiring detail.schemaVersion', () => {
    for (const type of Object.values(EVENT_TYPES)) {
      const schema = JSON.parse(committed(`events/${type}.schema.json`)) as { properties: { 'detail-type': { const: string }; detail: { required: string[] } } };
      expect(schema.properties['detail-type'].const).toBe(type);
      expect(schema.properties.detail.required).toContain('schemaVersion');
    }
  });
});
