import { openApiDocument } from '../shared/http/openapi';

/**
 * How every Lambda handler is bundled, in esbuild's own terms: the CDK app (DomainFunction)
 * and `npm run bench:cold` both read this object, so what is measured is what is deployed.
 *
 * - ESM, target node22, platform node: the Lambda runtime (Node.js 22) runs the bundle as is.
 * - mainFields module first: dependencies' ESM builds, which esbuild can tree-shake (their
 *   CommonJS builds it cannot); minified.
 * - No source maps: under --enable-source-maps Node parses the map as the module loads, 11–21
 *   ms of every cold start (measured by `npm run bench:cold`); the functions keep their names
 *   instead (keepNames), so a stack trace still says which function threw.
 * - The AWS SDK is bundled (pinned in package.json, tree-shaken and minified), not taken from
 *   the runtime: measured by `npm run bench:cold`, a bundled client is cheaper to import than
 *   the same client loaded from node_modules (its many CommonJS files, as the runtime has
 *   them), and the version deployed is the version tested. See docs/DESIGN.md.
 * - CommonJS dependencies bundled into ESM still call require(); the banner gives them one.
 */
export const LAMBDA_BUNDLING = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  mainFields: ['module', 'main'],
  minify: true,
  // Minified, but functions keep their names: the workflow tasks log and report their act by name.
  keepNames: true,
  treeShaking: true,
  sourcemap: false,
  // Swedish text as UTF-8, not escaped (\xE4 for ä): a smaller bundle.
  charset: 'utf8',
  /** Nothing is left to the runtime: the SDK ships with the function. */
  external: [] as string[],
  /** esbuild's warnings, not its summary of every file written (the CDK CLI's default is info). */
  logLevel: 'warning',
  banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
} as const;

/**
 * What the bundler writes into the code (esbuild's `define`), the same for every function:
 *
 * - OMF_TRACE_AWS_CALLS: whether the bundle holds the Powertools Tracer (and the X-Ray SDK it
 *   brings), which records each AWS SDK call as an X-Ray subsegment: the deployment setting
 *   `traceAwsCalls` (infra/settings.ts, read in shared/platform/tracer.ts). Without it esbuild
 *   leaves the Tracer out: it costs every cold start about 115 KB and 15–24 ms
 *   (`npm run bench:cold` prints both ways); the functions' own X-Ray segments (active
 *   tracing) do not need it.
 * - OMF_OPENAPI_DOCUMENT: the API's OpenAPI document as JSON, generated here from ROUTES, so
 *   the `openapi` function answers with a constant (functions/openapi/index.ts) instead of
 *   loading every schema and zod's JSON Schema generator to build the same document again.
 */
export function bundleDefines(traceAwsCalls: boolean): Record<string, string> {
  return { 'process.env.OMF_TRACE_AWS_CALLS': JSON.stringify(String(traceAwsCalls)), OMF_OPENAPI_DOCUMENT: openApiLiteral() };
}

let documentLiteral: string | undefined;

/** The document as a JavaScript string literal, made once for all the functions of a synthesis. */
const openApiLiteral = (): string => (documentLiteral ??= JSON.stringify(JSON.stringify(openApiDocument())));

/** LAMBDA_BUNDLING with its defines, as esbuild's own options (bench:cold, the tests that bundle as deployed). */
export function esbuildOptions(traceAwsCalls: boolean) {
  return { ...LAMBDA_BUNDLING, external: [...LAMBDA_BUNDLING.external], mainFields: [...LAMBDA_BUNDLING.mainFields], define: bundleDefines(traceAwsCalls) };
}
