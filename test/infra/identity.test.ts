/**
 * Who signs in, and how (issue 11): roles as Cognito groups, the organisation codes as
 * attributes no user can write, TOTP for administrators, SRP only, Cognito's e-mail through
 * SES from the verified sender.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/build';
import { ENTRY_METADATA_KEY } from '../../infra/metadata';
import { inProcessContext, synthesizeTemplate } from '../../infra/synth';
import { ROLES } from '../../shared/domain/roles';

const raw = synthesizeTemplate();
const template = Template.fromJSON(raw);
const resources: Record<string, any> = raw.Resources;
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const [[poolId, pool]] = ofType('AWS::Cognito::UserPool') as [[string, any]];

const outdirs: string[] = [];
afterAll(() => outdirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function stackWith(context: Record<string, unknown>) {
  const outdir = mkdtempSync(join(tmpdir(), 'omfordelning-identity-'));
  outdirs.push(outdir);
  return buildApp(inProcessContext(context), outdir, { builtinValidation: false }).stack;
}

describe('roles', () => {
  it('are the pool’s groups, one per role, named as the API reads them from cognito:groups', () => {
    const groups = ofType('AWS::Cognito::UserPoolGroup').map(([, g]) => g.Properties);
    expect(groups.map((g) => g.GroupName).sort()).toEqual([...ROLES].sort());
    for (const group of groups) expect(group.UserPoolId).toEqual({ Ref: poolId });
  });

  it('leave the organisation codes to custom attributes; there is no role attribute', () => {
    const custom = pool.Properties.Schema.map((a: any) => a.Name).sort();
    expect(custom).toEqual(['county', 'email', 'municipality']);
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      Schema: Match.arrayWith([
        Match.objectLike({ Name: 'municipality', AttributeDataType: 'String', Mutable: true, StringAttributeConstraints: { MinLength: '4', MaxLength: '4' } }),
        Match.objectLike({ Name: 'county', AttributeDataType: 'String', Mutable: true, StringAttributeConstraints: { MinLength: '2', MaxLength: '2' } }),
      ]),
    });
  });
});

describe('the pool', () => {
  it('is invitation-only, signs in by e-mail (any case), and is retained', () => {
    template.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        AdminCreateUserConfig: Match.objectLike({ AllowAdminCreateUserOnly: true }),
        UsernameAttributes: ['email'],
        UsernameConfiguration: { CaseSensitive: false },
      }),
    });
  });

  it('offers TOTP as the only second factor, and runs the trigger that keeps the admin role from a sign-in without it', () => {
    expect(pool.Properties).toMatchObject({ MfaConfiguration: 'OPTIONAL', EnabledMfas: ['SOFTWARE_TOKEN_MFA'] });
    const triggerId = pool.Properties.LambdaConfig.PreTokenGeneration['Fn::GetAtt'][0];
    expect(resources[triggerId].Metadata[ENTRY_METADATA_KEY]).toBe('functions/pre-token-generation/index.ts');
    const roleId = resources[triggerId].Properties.Role['Fn::GetAtt'][0];
    const statements = ofType('AWS::IAM::Policy')
      .filter(([, p]) => p.Properties.Roles.some((r: any) => r.Ref === roleId))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement)
      .filter((s: any) => [s.Action].flat().some((a: string) => a.startsWith('cognito-idp:')));
    expect(statements.map((s: any) => s.Action)).toEqual(['cognito-idp:AdminGetUser']);
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [triggerId, 'Arn'] },
      Principal: 'cognito-idp.amazonaws.com',
    });
  });

  it('sends its e-mail through SES from the verified sender', () => {
    expect(pool.Properties.EmailConfiguration).toEqual({
      EmailSendingAccount: 'DEVELOPER',
      From: expect.stringContaining('<omfordelning@example.se>'),
      SourceArn: {
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ses:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':identity/omfordelning@example.se']],
      },
    });
  });
});

describe('the app clients', () => {
  const clients = ofType('AWS::Cognito::UserPoolClient').map(([id, c]) => [id, c.Properties] as const);

  it('sign in with SRP only: no password flow on any client', () => {
    expect(clients).toHaveLength(2);
    for (const [id, client] of clients) expect(client.ExplicitAuthFlows, id).toEqual(['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']);
  });

  it('read the organisation codes but write neither them nor anything custom', () => {
    for (const [id, client] of clients) {
      expect(client.ReadAttributes, id).toEqual(expect.arrayContaining(['custom:municipality', 'custom:county', 'email']));
      expect(client.WriteAttributes, id).toEqual(['email', 'name']);
    }
  });
});

describe('the sender identity', () => {
  it('is referenced, not created, by default (verified before the deploy, as the README says)', () => {
    template.resourceCountIs('AWS::SES::EmailIdentity', 0);
    template.resourceCountIs('AWS::SES::ConfigurationSet', 1);
  });

  it('is created and retained with mailIdentity=create, and Cognito keeps its own e-mail until it is verified', () => {
    const stack = stackWith({ mailIdentity: 'create' });
    const created = Template.fromStack(stack);
    created.hasResource('AWS::SES::EmailIdentity', {
      DeletionPolicy: 'Retain',
      Properties: { EmailIdentity: 'omfordelning@example.se', ConfigurationSetAttributes: { ConfigurationSetName: { Ref: Match.anyValue() } } },
    });
    created.hasResourceProperties('AWS::Cognito::UserPool', { EmailConfiguration: Match.absent() });
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('Cognito skickar med sin egen e-post'));
  });

  it('may be a domain: Cognito sends as omfordelning@<domain> through the domain identity', () => {
    const domainPool = Template.fromStack(stackWith({ mailFrom: 'kommun.example.se' })).findResources('AWS::Cognito::UserPool');
    const email = Object.values<any>(domainPool)[0].Properties.EmailConfiguration;
    expect(email.From).toContain('<omfordelning@kommun.example.se>');
    expect(JSON.stringify(email.SourceArn)).toContain(':identity/kommun.example.se');
  });
});
