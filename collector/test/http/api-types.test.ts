/**
 * dashboard/lib/api-schema.ts is generated from docs/openapi.yaml (scripts/api-types.ts):
 * regenerating it in memory must give the committed file, so a spec change without
 * `npm run gen:api-types` fails here.
 */
import { readFile } from 'node:fs/promises';
import type { OpenAPI3 } from 'openapi-typescript';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  generateApiTypes,
  OUTPUT_URL,
  REGENERATE_COMMAND,
  SPEC_URL,
} from '../../../scripts/api-types.ts';

const STALE = `dashboard/lib/api-schema.ts does not match docs/openapi.yaml: run \`${REGENERATE_COMMAND}\` and commit the result`;

describe('the dashboard API types', () => {
  it('are generated from the current docs/openapi.yaml', async () => {
    const expected = await generateApiTypes({ silent: true });
    const committed = await readFile(OUTPUT_URL, 'utf8').catch(() => '(missing)');
    expect(committed, STALE).toBe(expected);
  });

  it('change with the spec, so a spec change without regeneration fails', async () => {
    const spec = parse(await readFile(SPEC_URL, 'utf8')) as OpenAPI3 & {
      components: { schemas: Record<string, { properties: Record<string, unknown> }> };
    };
    const current = await generateApiTypes({ spec, silent: true });
    expect(current).toBe(await generateApiTypes({ silent: true }));
    const state = spec.components.schemas.InstanceState;
    if (state === undefined) throw new Error('no InstanceState schema');
    state.properties.newField = { type: 'string' };
    const changed = await generateApiTypes({ spec, silent: true });
    expect(changed).not.toBe(current);
    expect(changed).toContain('newField?: string;');
  });
});
