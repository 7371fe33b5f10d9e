import { resolve } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { esbuildOptions } from '../../infra/bundling';
import { entryOf } from '../../infra/constructs/function';
import { ROUTES, type RouteSpec } from '../../shared/http/routes';

/**
 * A function loads only the clients it calls: each handler is bundled as it is deployed
 * (esbuild, everything inlined) and the AWS SDK packages in its module graph are read from the
 * metafile. The routes that read nothing stored load no SDK at all.
 */
const ROOT = resolve(__dirname, '../..');

/** The files a function's bundle is made of (repo-relative, packages under node_modules/). */
async function inputsOf(name: string): Promise<string[]> {
  const result = await build({
    ...esbuildOptions(false),
    entryPoints: [resolve(ROOT, entryOf(name))],
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return Object.keys(result.metafile.inputs);
}

async function sdkPackagesOf(name: string): Promise<string[]> {
  const packages = (await inputsOf(name))
    .map((input) => /node_modules\/(@aws-sdk\/[^/]+)\//.exec(input)?.[1])
    .filter((p): p is string => p !== undefined);
  return [...new Set(packages)].sort();
}

describe('the clients a function loads', () => {
  it.each(['health', 'openapi', 'list-counties', 'list-municipalities'])('%s loads no AWS SDK', async (name) => {
    expect(await sdkPackagesOf(name)).toEqual([]);
  });

  // A standalone route answers without the HTTP adapter (shared/http/routes.ts): no zod, no Powertools, nothing packaged.
  it.each(ROUTES.filter((r: RouteSpec) => r.standalone === true).map((r) => r.name))('%s (standalone) bundles no package and not the HTTP adapter', async (name) => {
    const inputs = await inputsOf(name);
    expect(inputs.filter((input) => input.includes('node_modules/'))).toEqual([]);
    expect(inputs).not.toContain('shared/http/handler.ts');
    expect(inputs).toContain('shared/http/answer.ts');
  });

  it('a route on the ledger loads DynamoDB, not SES or Step Functions', async () => {
    const packages = await sdkPackagesOf('submit-proposal');
    expect(packages).toContain('@aws-sdk/client-dynamodb');
    expect(packages.filter((p) => /client-(ses|sfn)/.test(p))).toEqual([]);
  });

  // Each store is a group of its own (shared/composition/stores): a route loads the adapters of the stores it uses, not the whole table's.
  it('a route on the ledger bundles its stores, not the mail log or the contacts', async () => {
    const inputs = await inputsOf('submit-proposal');
    expect(inputs).toEqual(expect.arrayContaining(['shared/adapters/dynamodb/ledger-store.ts', 'shared/adapters/dynamodb/idempotency-store.ts']));
    expect(inputs.filter((input) => /shared\/adapters\/dynamodb\/(sent-mail-store|contact-store|county-report-store|notice-progress)\.ts$/.test(input))).toEqual([]);
  });

  it('the follower loads DynamoDB and SES, not Step Functions; get-cycle DynamoDB and Step Functions, not SES', async () => {
    const follower = await sdkPackagesOf('follow-ledger');
    expect(follower).toEqual(expect.arrayContaining(['@aws-sdk/client-dynamodb', '@aws-sdk/client-ses']));
    expect(follower).not.toContain('@aws-sdk/client-sfn');
    const cycle = await sdkPackagesOf('get-cycle');
    expect(cycle).toEqual(expect.arrayContaining(['@aws-sdk/client-dynamodb', '@aws-sdk/client-sfn']));
    expect(cycle).not.toContain('@aws-sdk/client-ses');
  });
});
