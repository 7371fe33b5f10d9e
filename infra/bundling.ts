/**
 * How every Lambda handler is bundled, in esbuild's own terms: the CDK app (DomainFunction)
 * and `npm run bench:cold` both read this object, so what is measured is what is deployed.
 *
 * - ESM, target node22, platform node: the Lambda runtime (Node.js 22) runs the bundle as is.
 * - mainFields module first: dependencies' ESM builds, which esbuild can tree-shake (their
 *   CommonJS builds it cannot); minified.
 * - Source maps linked, without the sources' content: the stack traces keep file and line
 *   (NODE_OPTIONS=--enable-source-maps), and the map stays small to ship and to parse at
 *   start (Node parses it when the module loads).
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
  sourcemap: true,
  sourcesContent: false,
  /** Nothing is left to the runtime: the SDK ships with the function. */
  external: [] as string[],
  /** esbuild's warnings, not its summary of every file written (the CDK CLI's default is info). */
  logLevel: 'warning',
  banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
} as const;
