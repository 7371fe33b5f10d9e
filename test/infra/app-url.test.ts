/**
 * The web app's address on AWS (issue 9): the functions that send notices are told it
 * (APP_BASE_URL) so that every mail links the page of its next step. By default it is the
 * CloudFront distribution's own address; context `appUrl` (the operator's domain) replaces it
 * there and wherever sign-in comes back to. The distribution routes /v1/* to the API, whose
 * start-cycle references the state machine, whose tasks send mail: the template must stay
 * free of a dependency cycle, which CloudFormation would refuse.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp, STACK_NAME } from '../../infra/build';
import { FOLLOWER_FUNCTION } from '../../infra/constructs/ledger-follower';
import { SWEEP_FUNCTION } from '../../infra/constructs/notice-sweep';
import { APP_URL_ENV } from '../../infra/constructs/notifications';
import { ENTRY_METADATA_KEY } from '../../infra/metadata';
import { BadContextError } from '../../infra/constructs/web-app';
import { inProcessContext } from '../../infra/synth';
import { TASKS } from '../../shared/workflow/contract';

const outdirs: string[] = [];
afterAll(() => outdirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function synth(context: Record<string, unknown> = {}): { template: Record<string, any>; outdir: string } {
  const outdir = mkdtempSync(join(tmpdir(), 'omfordelning-app-url-'));
  outdirs.push(outdir);
  const template = buildApp(inProcessContext(context), outdir, { builtinValidation: false }).app.synth().getStackByName(STACK_NAME).template;
  return { template, outdir };
}

/** Handler folder (functions/<name>) → its APP_BASE_URL (undefined when it has none). */
function appUrlByFunction(template: Record<string, any>): Record<string, unknown> {
  return Object.fromEntries(
    Object.values<any>(template.Resources)
      .filter((r) => r.Type === 'AWS::Lambda::Function' && r.Metadata?.[ENTRY_METADATA_KEY])
      .map((r) => [String(r.Metadata[ENTRY_METADATA_KEY]).split('/')[1], r.Properties.Environment?.Variables?.[APP_URL_ENV]]),
  );
}

/** The logical ids a value names (Ref, Fn::GetAtt, and ${…} in Fn::Sub). */
function references(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => references(v, out));
  else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'Ref' && typeof inner === 'string') out.add(inner);
      else if (key === 'Fn::GetAtt') out.add(Array.isArray(inner) ? String(inner[0]) : String(inner).split('.')[0]!);
      else if (key === 'Fn::Sub') {
        const text = Array.isArray(inner) ? inner[0] : inner;
        for (const [, name] of String(text).matchAll(/\$\{([^}.!]+)[^}]*\}/g)) out.add(name!);
        references(Array.isArray(inner) ? inner[1] : undefined, out);
      } else references(inner, out);
    }
  }
  return out;
}

/** A dependency cycle among the resources (as CloudFormation sees them), or undefined. */
function dependencyCycle(template: Record<string, any>): string[] | undefined {
  const resources: Record<string, any> = template.Resources;
  const edges = new Map(
    Object.entries(resources).map(([id, r]) => [
      id,
      [...references({ ...r, DependsOn: undefined }), ...[r.DependsOn ?? []].flat()].filter((d) => d !== id && d in resources),
    ]),
  );
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'visiting') return [...path.slice(path.indexOf(id)), id];
    state.set(id, 'visiting');
    path.push(id);
    for (const next of edges.get(id)!) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of edges.keys()) {
    const cycle = visit(id);
    if (cycle) return cycle;
  }
  return undefined;
}

/** Functions that send notices: the ledger follower and the workflow's mailing tasks. */
const SENDERS = [FOLLOWER_FUNCTION, SWEEP_FUNCTION, TASKS.publish, TASKS.remind, TASKS.tellDeadlineMoved, TASKS.close, TASKS.warnCounty, TASKS.autoSubmit, TASKS.sendReports, TASKS.finalize, TASKS.recordFailure];

describe('the web app’s address, by default the distribution’s', () => {
  const { template } = synth();
  const distributionId = Object.entries<any>(template.Resources).find(([, r]) => r.Type === 'AWS::CloudFront::Distribution')![0];
  const distributionUrl = { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId, 'DomainName'] }]] };
  const byFunction = appUrlByFunction(template);

  it('is given to every function that sends notices', () => {
    for (const name of SENDERS) expect(byFunction[name], name).toEqual(distributionUrl);
  });

  it('is not given to the API’s functions nor to the other tasks (they send no mail)', () => {
    const others = Object.entries(byFunction).filter(([name]) => !SENDERS.includes(name) && name !== TASKS.awaitReport);
    expect(others.length).toBeGreaterThan(20);
    for (const [name, value] of others) expect(value, name).toBeUndefined();
  });

  it('leaves the template without a dependency cycle (the mailing tasks depend on the distribution, the distribution not on them)', () => {
    expect(dependencyCycle(template)).toBeUndefined();
  });

  it('finds a cycle when there is one (the check itself works)', () => {
    const publish = Object.entries<any>(template.Resources).find(([, r]) => r.Metadata?.[ENTRY_METADATA_KEY] === `functions/${TASKS.publish}/index.ts`)![0];
    const distribution = template.Resources[distributionId];
    const looped = {
      ...template,
      Resources: { ...template.Resources, [distributionId]: { ...distribution, Properties: { ...distribution.Properties, Comment: { 'Fn::GetAtt': [publish, 'Arn'] } } } },
    };
    expect(dependencyCycle(looped)).toEqual(expect.arrayContaining([distributionId, publish]));
  });
});

describe('context appUrl (the operator’s domain)', () => {
  const APP = 'https://omfordelning.example.se';
  const { template, outdir } = synth({ appUrl: `${APP}/` });
  const resources: Record<string, any> = template.Resources;

  it('is the address the notices link, without a trailing slash', () => {
    const byFunction = appUrlByFunction(template);
    for (const name of SENDERS) expect(byFunction[name], name).toBe(APP);
  });

  it('is where sign-in comes back to and signing out lands, so a link opened there returns to its page', () => {
    const webClient = Object.entries(resources).find(([id, r]) => r.Type === 'AWS::Cognito::UserPoolClient' && id.includes('WebClient'))![1];
    expect(webClient.Properties.CallbackURLs).toEqual([`${APP}/inloggad`]);
    expect(webClient.Properties.LogoutURLs).toEqual([`${APP}/`]);
    const entry = Object.values(resources).find((r) => r.Type === 'Custom::CDKBucketDeployment' && r.Properties.Include?.includes('config.json'))!;
    const assetDir = join(outdir, `asset.${String(entry.Properties.SourceObjectKeys[1]).replace(/\.zip$/, '')}`);
    expect(readdirSync(assetDir)).toEqual(['config.json']);
    const config = JSON.parse(readFileSync(join(assetDir, 'config.json'), 'utf8'));
    expect(config.auth).toMatchObject({ redirectUri: `${APP}/inloggad`, logoutUri: `${APP}/` });
  });

  it('is the WebAppUrl output; DistributionUrl says what the domain has to reach', () => {
    expect(template.Outputs.WebAppUrl.Value).toBe(`${APP}/`);
    const distributionId = Object.entries(resources).find(([, r]) => r.Type === 'AWS::CloudFront::Distribution')![0];
    expect(template.Outputs.DistributionUrl.Value).toEqual({ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId, 'DomainName'] }, '/']] });
  });

  it('keeps the template without a dependency cycle', () => {
    expect(dependencyCycle(template)).toBeUndefined();
  });

  it.each([['http://omfordelning.example.se'], ['https://omfordelning.example.se/app'], ['omfordelning.example.se'], ['https://omfordelning.example.se/?x=1']])(
    'refuses %s before building anything, saying what it must be',
    (appUrl) => {
      const attempt = () => buildApp(inProcessContext({ appUrl }), undefined, { builtinValidation: false });
      expect(attempt).toThrow(BadContextError);
      expect(attempt).toThrow(/appUrl must be the web app's address, https:\/\/<host> without a path/);
    },
  );
});
