import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { DomainFunction, REPO_ROOT, TRACE_AWS_CALLS_CONTEXT, cdkBundling, entryOf } from '../../infra/constructs/function';
import { LAMBDA_BUNDLING, bundleDefines } from '../../infra/bundling';
import { bundleHandlers, type Bundle } from '../../scripts/cold-bundle';
import { openApiDocument } from '../../shared/http/openapi';

const dirs: string[] = [];
const scratch = (name: string) => {
  const dir = mkdtempSync(join(tmpdir(), `omfordelning-${name}-`));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

// The bench bundles all functions in one esbuild run; two are enough to show each bundle is its own.
let measured: Promise<Map<string, Bundle>> | undefined;
const benchBundles = () =>
  (measured ??= bundleHandlers(
    { health: join(REPO_ROOT, entryOf('health')), 'submit-proposal': join(REPO_ROOT, entryOf('submit-proposal')) },
    scratch('bundling-bench'),
    'deployed',
  ));

describe('one way to bundle a Lambda (infra/bundling.ts)', () => {
  it('gives NodejsFunction every option of LAMBDA_BUNDLING, the SDK included', () => {
    expect(cdkBundling(false)).toEqual({
      format: 'esm',
      target: LAMBDA_BUNDLING.target,
      mainFields: LAMBDA_BUNDLING.mainFields,
      minify: LAMBDA_BUNDLING.minify,
      keepNames: LAMBDA_BUNDLING.keepNames,
      sourceMap: LAMBDA_BUNDLING.sourcemap,
      charset: LAMBDA_BUNDLING.charset,
      define: bundleDefines(false),
      bundleAwsSDK: true,
      externalModules: LAMBDA_BUNDLING.external,
      banner: LAMBDA_BUNDLING.banner.js,
      logLevel: LAMBDA_BUNDLING.logLevel,
    });
  });

  // The CDK app really runs esbuild here (one function), then the benchmark's bundler: the
  // code the bench measures is byte for byte the code the template deploys.
  it("deploys the very bundle that bench:cold measures", { timeout: 120_000 }, async () => {
    const outdir = scratch('bundling-synth');
    const stack = new Stack(new App({ outdir, context: { 'aws:cdk:bundling-stacks': ['**'] } }), 'Bundling');
    new DomainFunction(stack, 'Health', { name: 'health' });
    const assembly = stack.node.root as App;
    assembly.synth();
    const asset = readdirSync(outdir).find((entry) => entry.startsWith('asset.') && readdirSync(join(outdir, entry)).includes('index.mjs'));
    expect(asset).toBeDefined();
    const deployed = join(outdir, asset as string);
    expect(readdirSync(deployed)).toEqual(['index.mjs']);

    const health = (await benchBundles()).get('health');
    expect(readFileSync(join(deployed, 'index.mjs'), 'utf8')).toBe(readFileSync(health?.file ?? '', 'utf8'));
  });
});

describe('tracing the AWS calls (setting traceAwsCalls)', () => {
  // What the Tracer's bundle holds and a bundle without it cannot: its capture of SDK v3 clients.
  const holdsTracer = (code: string) => code.includes('captureAWSv3Client');

  it('puts the Powertools Tracer in a bundle only where the stack traces AWS calls', { timeout: 120_000 }, async () => {
    const bundleOf = (traceAwsCalls: boolean | undefined) => {
      const outdir = scratch(`bundling-trace-${traceAwsCalls}`);
      const stack = new Stack(new App({ outdir, context: { 'aws:cdk:bundling-stacks': ['**'] } }), 'Tracing');
      if (traceAwsCalls !== undefined) stack.node.setContext(TRACE_AWS_CALLS_CONTEXT, traceAwsCalls);
      new DomainFunction(stack, 'Get', { name: 'get-cycle' });
      (stack.node.root as App).synth();
      const asset = readdirSync(outdir).find((entry) => entry.startsWith('asset.') && readdirSync(join(outdir, entry)).includes('index.mjs'));
      return readFileSync(join(outdir, asset as string, 'index.mjs'), 'utf8');
    };
    expect(holdsTracer(bundleOf(true))).toBe(true);
    expect(holdsTracer(bundleOf(false))).toBe(false);
    expect(holdsTracer(bundleOf(undefined))).toBe(false);
  });
});

describe('the openapi function', () => {
  it('answers, bundled, with the document ROUTES make, written into it at bundle time', { timeout: 60_000 }, async () => {
    const outdir = scratch('bundling-openapi');
    const bundle = (await bundleHandlers({ openapi: join(REPO_ROOT, entryOf('openapi')) }, outdir, 'deployed')).get('openapi');
    if (!bundle) throw new Error('no openapi bundle');
    const code = readFileSync(bundle.file, 'utf8');
    // The constant, not the generator: zod's JSON Schema conversion is not in the bundle.
    expect(code).not.toContain('toJSONSchema');
    const { handler } = await import(pathToFileURL(bundle.file).href);
    const result = await handler();
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toEqual(openApiDocument());
  });
});

describe("bench:cold's bundler", () => {
  it('makes a module whose handler answers', { timeout: 60_000 }, async () => {
    const bundle = (await benchBundles()).get('health');
    if (!bundle) throw new Error('no health bundle');
    expect(bundle.bytes).toBeGreaterThan(0);
    vi.stubEnv('TABLE_NAME', 'smoke');
    vi.stubEnv('MAIL_FROM', 'smoke@example.se');
    try {
      const { handler } = await import(pathToFileURL(bundle.file).href);
      const event = { rawPath: '/health', rawQueryString: '', headers: {}, requestContext: { http: { method: 'GET' }, timeEpoch: 0 } };
      const result = await handler(event);
      expect(result.statusCode).toBe(200);
      expect(JSON.parse(result.body)).toEqual({ status: 'ok' });
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
