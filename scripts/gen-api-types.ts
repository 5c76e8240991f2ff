/** `npm run gen:api-types`: regenerates dashboard/lib/api-schema.ts from docs/openapi.yaml. */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { generateApiTypes, OUTPUT_URL, SPEC_URL } from './api-types.ts';

const text = await generateApiTypes();
await writeFile(OUTPUT_URL, text);
console.log(`${fileURLToPath(SPEC_URL)} → ${fileURLToPath(OUTPUT_URL)}`);
