/**
 * The deployment's settings (infra/settings.ts): the required ones stop synthesis in one line
 * naming every missing one; the stage names the stack and tags every resource.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp, STACK_NAME, TAG_STAGE, TAG_SYSTEM } from '../../infra/build';
import { FOLLOWER_FUNCTION } from '../../infra/constructs/ledger-follower';
import { MIGRATIONSVERKET_ENV } from '../../infra/constructs/notifications';
import { BadContextError } from '../../infra/constructs/web-app';
import { ENTRY_METADATA_KEY } from '../../infra/metadata';
import { LOCAL_SETTINGS } from '../../infra/settings';
import { inProcessContext, synthesizeTemplate } from '../../infra/synth';

const outdirs: string[] = [];
afterAll(() => outdirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function build(context: Record<string, unknown>) {
  const outdir = mkdtempSync(join(tmpdir(), 'omfordelning-settings-'));
  outdirs.push(outdir);
  return buildApp(inProcessContext(context), outdir, { builtinValidation: false });
}

describe('required settings', () => {
  it('stop `cdk synth` with one line naming every missing one and how to give it', () => {
    // The CLI entry with no context at all, as `npx cdk synth` runs it.
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'infra/app.ts'], { encoding: 'utf8', env: { ...process.env, CDK_CONTEXT_JSON: '{}' } });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([
      'Inställningar saknas: stage, mailFrom, migrationsverketMailbox, alarmEmail. Ange dem med -c stage=prod -c mailFrom=omfordelning@kommun.se ' +
        '-c migrationsverketMailbox=ensamkommande@migrationsverket.se -c alarmEmail=drift@kommun.se eller under "context" i cdk.json (se README, "Deploying to AWS").',
    ]);
  });

  it('name only what is missing', () => {
    expect(() => build({ mailFrom: '', alarmEmail: undefined })).toThrow(/^Inställningar saknas: mailFrom, alarmEmail\. Ange dem med -c mailFrom=omfordelning@kommun\.se -c alarmEmail=drift@kommun\.se /);
  });

  it.each([
    [{ stage: 'Prod' }, /^stage ska vara 1–20 små bokstäver/],
    [{ mailFrom: 'inte en adress' }, /^mailFrom ska vara en e-postadress eller en domän/],
    [{ mailIdentity: 'maybe' }, /^mailIdentity ska vara existing .* eller create/],
    [{ migrationsverketMailbox: 'mv' }, /^migrationsverketMailbox ska vara en e-postadress/],
    [{ alarmEmail: 'drift' }, /^alarmEmail ska vara en e-postadress/],
    [{ backupRetentionDays: '30' }, /^backupRetentionDays ska vara ett heltal mellan 36 och 36500/],
    [{ traceAwsCalls: 'yes' }, /^traceAwsCalls ska vara true eller false, inte yes\.$/],
  ])('refuse %j before anything is built', (context, message) => {
    const attempt = () => build(context);
    expect(attempt).toThrow(BadContextError);
    expect(attempt).toThrow(message);
  });
});

describe('the stage', () => {
  it('names the stack Omfordelning-<stage>', () => {
    expect(STACK_NAME).toBe('Omfordelning-local');
    expect(build({ stage: 'test' }).stack.stackName).toBe('Omfordelning-test');
  });

  it('tags the stack and every resource that takes tags', () => {
    const { stack } = build({ stage: 'prod' });
    expect(stack.tags.tagValues()).toEqual({ [TAG_SYSTEM]: 'omfordelning', [TAG_STAGE]: 'prod' });
    const template = synthesizeTemplate();
    const expected = [
      { Key: TAG_STAGE, Value: LOCAL_SETTINGS.stage },
      { Key: TAG_SYSTEM, Value: 'omfordelning' },
    ];
    const tagsOf = (r: any): unknown => {
      const p = r.Properties ?? {};
      if (r.Type === 'AWS::DynamoDB::GlobalTable') return p.Replicas[0].Tags;
      const tags = p.UserPoolTags ?? p.BackupVaultTags ?? p.BackupPlanTags ?? p.Tags;
      // Some types take a map (the HTTP API, the user pool, AWS Backup), the rest a list.
      return tags && !Array.isArray(tags) ? Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) : tags;
    };
    const tagged = Object.entries<any>(template.Resources).filter(([, r]) => tagsOf(r) !== undefined);
    for (const [id, r] of tagged) expect(tagsOf(r), id).toEqual(expect.arrayContaining(expected));
    const types = new Set(tagged.map(([, r]) => r.Type));
    for (const type of ['AWS::Lambda::Function', 'AWS::DynamoDB::GlobalTable', 'AWS::Cognito::UserPool', 'AWS::StepFunctions::StateMachine', 'AWS::CloudFront::Distribution', 'AWS::S3::Bucket', 'AWS::SNS::Topic', 'AWS::SQS::Queue', 'AWS::Backup::BackupVault', 'AWS::Backup::BackupPlan', 'AWS::Logs::LogGroup', 'AWS::IAM::Role']) {
      expect(types, type).toContain(type);
    }
  });
});

describe('Migrationsverket’s mailbox', () => {
  it('reaches the functions that read the contacts: those that send notices and the API’s', () => {
    const functions = Object.values<any>(synthesizeTemplate().Resources).filter((r) => r.Type === 'AWS::Lambda::Function' && r.Metadata?.[ENTRY_METADATA_KEY]);
    const withMailbox = functions.filter((f) => f.Properties.Environment?.Variables?.[MIGRATIONSVERKET_ENV] === LOCAL_SETTINGS.migrationsverketMailbox);
    const names = withMailbox.map((f) => String(f.Metadata[ENTRY_METADATA_KEY]).split('/')[1]);
    expect(names).toEqual(expect.arrayContaining([FOLLOWER_FUNCTION, 'cycle-publish', 'import-contacts', 'list-mails']));
  });
});
