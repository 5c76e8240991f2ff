/**
 * The dashboard's API types from the API spec: docs/openapi.yaml through
 * openapi-typescript, written to dashboard/lib/api-schema.ts by `npm run gen:api-types`
 * (scripts/gen-api-types.ts). collector/test/http/api-types.test.ts regenerates them in
 * memory and fails when the committed file differs. The file is not reformatted (it is
 * in .prettierignore): what openapi-typescript prints is what is committed.
 */
import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';

export const SPEC_URL = new URL('../docs/openapi.yaml', import.meta.url);
export const OUTPUT_URL = new URL('../dashboard/lib/api-schema.ts', import.meta.url);
export const REGENERATE_COMMAND = 'npm run gen:api-types';

const HEADER = `/**
 * Types of the collector's HTTP API, generated from docs/openapi.yaml by openapi-typescript.
 * Do not edit: change the spec, then run \`${REGENERATE_COMMAND}\` (scripts/gen-api-types.ts).
 * collector/test/http/api-types.test.ts fails when this file is stale.
 * dashboard/lib/types.ts names the shapes the dashboard uses.
 */

`;

/**
 * The generated file's text, from docs/openapi.yaml or `spec` (a parsed document);
 * `silent` hides the spec linter's warnings.
 */
export async function generateApiTypes(
  options: { spec?: OpenAPI3; silent?: boolean } = {},
): Promise<string> {
  const ast = await openapiTS(options.spec ?? SPEC_URL, { silent: options.silent ?? false });
  return HEADER + astToString(ast);
}
