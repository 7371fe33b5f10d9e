import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp, STACK_NAME } from '../../infra/build';
import { SiteNotBuiltError } from '../../infra/constructs/web-app';
import { inProcessContext } from '../../infra/synth';

// Own synthesis (not the cached synthesizeTemplate): the config.json asset is read from outdir.
const outdir = mkdtempSync(join(tmpdir(), 'omfordelning-web-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));
const raw: Record<string, any> = buildApp(inProcessContext(), outdir, { builtinValidation: false })
  .app.synth()
  .getStackByName(STACK_NAME).template;
const template = Template.fromJSON(raw);
const resources: Record<string, any> = raw.Resources;

function only(type: string): [string, any] {
  const found = Object.entries(resources).filter(([, r]) => r.Type === type);
  expect(found, type).toHaveLength(1);
  return found[0]!;
}

const [bucketId, bucket] = only('AWS::S3::Bucket');
const [distributionId, distribution] = only('AWS::CloudFront::Distribution');
const config = distribution.Properties.DistributionConfig;
const [, headersPolicy] = only('AWS::CloudFront::ResponseHeadersPolicy');
const [functionId, spaFunction] = only('AWS::CloudFront::Function');
const [poolId] = only('AWS::Cognito::UserPool');
const [domainId, domain] = only('AWS::Cognito::UserPoolDomain');
const [webClientId, webClient] = Object.entries(resources).find(
  ([id, r]) => r.Type === 'AWS::Cognito::UserPoolClient' && id.includes('WebClient'),
)!;
const [apiId] = only('AWS::ApiGatewayV2::Api');
const distributionDomain = { 'Fn::GetAtt': [distributionId, 'DomainName'] };

describe('Web app bucket', () => {
  it('is private, encrypted, TLS-only, not a website, retained, never emptied by CDK', () => {
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
    });
    expect(bucket.Properties.WebsiteConfiguration).toBeUndefined();
    expect(bucket.DeletionPolicy).toBe('Retain');
    template.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
  });

  it('lets only this distribution read objects (origin access control), and refuses plain HTTP', () => {
    const [, policy] = only('AWS::S3::BucketPolicy');
    expect(policy.Properties.Bucket).toEqual({ Ref: bucketId });
    const statements: any[] = policy.Properties.PolicyDocument.Statement;
    const allows = statements.filter((s) => s.Effect === 'Allow');
    expect(allows).toEqual([
      {
        Action: 's3:GetObject',
        Effect: 'Allow',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/*']] },
        Condition: {
          StringEquals: {
            'AWS:SourceArn': {
              'Fn::Join': [
                '',
                ['arn:', { Ref: 'AWS::Partition' }, ':cloudfront::', { Ref: 'AWS::AccountId' }, ':distribution/', { Ref: distributionId }],
              ],
            },
          },
        },
      },
    ]);
    expect(statements.filter((s) => s.Effect === 'Deny')).toEqual([
      expect.objectContaining({ Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    ]);
    template.resourceCountIs('AWS::CloudFront::CloudFrontOriginAccessIdentity', 0);
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: { OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' },
    });
  });
});

describe('Distribution', () => {
  const originOf = (id: string) => config.Origins.find((o: any) => o.Id === id);

  it('serves the bucket by default, through its origin access control, with the SPA function', () => {
    const behaviour = config.DefaultCacheBehavior;
    const origin = originOf(behaviour.TargetOriginId);
    expect(origin.DomainName).toEqual({ 'Fn::GetAtt': [bucketId, 'RegionalDomainName'] });
    expect(origin.OriginAccessControlId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/OriginAccessControl/), 'Id'] });
    expect(behaviour).toMatchObject({
      ViewerProtocolPolicy: 'redirect-to-https',
      AllowedMethods: ['GET', 'HEAD'],
      CachePolicyId: '658327ea-f89d-4fab-a63d-7e88639e58f6', // CachingOptimized
      FunctionAssociations: [{ EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [functionId, 'FunctionARN'] } }],
    });
    expect(config.DefaultRootObject).toBe('index.html');
  });

  it('routes /v1/* to the HTTP API: all methods, no caching, every viewer header but Host, no SPA function', () => {
    expect(config.CacheBehaviors).toHaveLength(1);
    const [behaviour] = config.CacheBehaviors;
    expect(behaviour).toMatchObject({
      PathPattern: '/v1/*',
      ViewerProtocolPolicy: 'https-only',
      AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
      CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', // CachingDisabled
      OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac', // AllViewerExceptHostHeader
    });
    expect(behaviour.FunctionAssociations).toBeUndefined();
    const origin = originOf(behaviour.TargetOriginId);
    expect(origin.DomainName).toEqual({
      'Fn::Join': ['', [{ Ref: apiId }, '.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }]],
    });
    expect(origin.CustomOriginConfig).toEqual({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] });
  });

  it("has no custom error responses, so the API's 403/404 reach the browser unchanged", () => {
    expect(config.CustomErrorResponses).toBeUndefined();
  });

  it('sends the security headers on both behaviours', () => {
    const policyRef = { Ref: only('AWS::CloudFront::ResponseHeadersPolicy')[0] };
    expect(config.DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual(policyRef);
    expect(config.CacheBehaviors[0].ResponseHeadersPolicyId).toEqual(policyRef);
  });
});

describe('Security headers', () => {
  const security = headersPolicy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
  // The CSP is a Fn::Join (the Cognito domain and region are tokens): write tokens as <Ref>.
  const parts: unknown[] = security.ContentSecurityPolicy.ContentSecurityPolicy['Fn::Join'][1];
  const csp = parts.map((p: any) => (typeof p === 'string' ? p : `<${p.Ref ?? JSON.stringify(p)}>`)).join('');
  const directives = (name: string) =>
    csp
      .split('; ')
      .find((d) => d.startsWith(`${name} `))
      ?.slice(name.length + 1);

  it('CSP: scripts and styles only from the app itself, no inline, no framing', () => {
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(directives('script-src')).toBe("'self'");
    expect(directives('style-src')).toBe("'self'");
    expect(directives('default-src')).toBe("'self'");
    expect(directives('frame-ancestors')).toBe("'none'");
    expect(directives('object-src')).toBe("'none'");
    expect(security.ContentSecurityPolicy.Override).toBe(true);
  });

  it('CSP: connect-src is the app, the Cognito domain and the cognito-idp endpoint of the region (OIDC, and registering TOTP)', () => {
    expect(directives('connect-src')).toBe(
      `'self' https://<${domainId}>.auth.<AWS::Region>.amazoncognito.com https://cognito-idp.<AWS::Region>.amazonaws.com`,
    );
  });

  it('HSTS for two years with subdomains, nosniff, no framing, a strict referrer policy', () => {
    expect(security.StrictTransportSecurity).toEqual({ AccessControlMaxAgeSec: 63072000, IncludeSubdomains: true, Override: true });
    expect(security.ContentTypeOptions).toEqual({ Override: true });
    expect(security.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
    expect(security.ReferrerPolicy).toEqual({ ReferrerPolicy: 'strict-origin-when-cross-origin', Override: true });
  });
});

describe('SPA fallback function', () => {
  // Run the function's own code, as CloudFront would, on the paths that matter.
  const handler = new Function(`${spaFunction.Properties.FunctionCode}; return handler;`)() as (event: any) => any;
  const rewrite = (uri: string) => handler({ request: { uri, headers: {} } }).uri;

  it.each([
    ['/', '/index.html'],
    ['/inloggad', '/index.html'],
    ['/kommun/forslag/0180', '/index.html'],
    ['/lan/01/rapport/', '/index.html'],
  ])('sends the page %s to %s', (uri, expected) => {
    expect(rewrite(uri)).toBe(expected);
  });

  it.each(['/index.html', '/config.json', '/assets/index-3f9a.js', '/assets/style.css', '/favicon.svg'])(
    'leaves the file %s as it is',
    (uri) => {
      expect(rewrite(uri)).toBe(uri);
    },
  );

  it('runs on the JavaScript 2.0 runtime', () => {
    expect(spaFunction.Properties.FunctionConfig.Runtime).toBe('cloudfront-js-2.0');
  });
});

describe('Deployment of the files', () => {
  const deployments = Object.entries(resources).filter(([, r]) => r.Type === 'Custom::CDKBucketDeployment');
  const entry = deployments.find(([id]) => id.includes('DeployEntry'))![1];
  const files = deployments.find(([id]) => id.includes('DeployFiles'))![1];

  it('uploads every file but the entry points first, keeping older chunks', () => {
    expect(deployments).toHaveLength(2);
    expect(files.Properties).toMatchObject({
      DestinationBucketName: { Ref: bucketId },
      Exclude: ['index.html', 'config.json'],
      Prune: false,
    });
    expect(files.Properties.DistributionId).toBeUndefined();
  });

  it('then index.html and config.json, revalidated by browsers, invalidated at the edge', () => {
    const filesId = deployments.find(([id]) => id.includes('DeployFiles'))![0];
    expect(entry.DependsOn).toEqual(expect.arrayContaining([filesId]));
    expect(entry.Properties).toMatchObject({
      DestinationBucketName: { Ref: bucketId },
      Exclude: ['*'],
      Include: ['index.html', 'config.json'],
      Prune: false,
      SystemMetadata: { 'cache-control': 'no-cache' },
      DistributionId: { Ref: distributionId },
      DistributionPaths: ['/index.html', '/config.json'],
    });
    // The same site asset in both.
    expect(entry.Properties.SourceObjectKeys[0]).toBe(files.Properties.SourceObjectKeys[0]);
  });

  it('writes config.json with the web client, the issuer and the Cognito domain', () => {
    const key: string = entry.Properties.SourceObjectKeys[1];
    const assetDir = join(outdir, `asset.${key.replace(/\.zip$/, '')}`);
    expect(readdirSync(assetDir)).toEqual(['config.json']);
    const markers: Record<string, unknown> = entry.Properties.SourceMarkers[1];
    // Put each deploy-time value back where its marker stands, as the deployment does.
    const resolved = JSON.parse(readFileSync(join(assetDir, 'config.json'), 'utf8'), (_, value) => {
      if (typeof value !== 'string' || !value.includes('<<marker:')) return value;
      return value.split(/(<<marker:0xbaba:\d+>>)/).filter(Boolean).map((part) => markers[part] ?? part);
    });
    expect(resolved).toEqual({
      auth: {
        kind: 'cognito',
        authority: ['https://', { 'Fn::GetAtt': [poolId, 'ProviderURL'] }],
        clientId: [{ Ref: webClientId }],
        domain: ['https://', { Ref: domainId }, '.auth.', { Ref: 'AWS::Region' }, '.amazoncognito.com'],
        redirectUri: ['https://', distributionDomain, '/inloggad'],
        logoutUri: ['https://', distributionDomain, '/'],
      },
    });
  });
});

describe('Cognito for the web app', () => {
  it('has a domain whose prefix is the stack name (Omfordelning-<stage>) and the start of its UUID', () => {
    expect(domain.Properties).toMatchObject({ UserPoolId: { Ref: poolId }, ManagedLoginVersion: 1 });
    expect(domain.Properties.Domain).toEqual({
      'Fn::Join': [
        '',
        [
          'omfordelning-local-',
          { 'Fn::Select': [0, { 'Fn::Split': ['-', { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }] }] },
        ],
      ],
    });
  });

  it('takes the prefix from the authDomainPrefix context', () => {
    const scratch = mkdtempSync(join(tmpdir(), 'omfordelning-prefix-'));
    try {
      const { stack } = buildApp(inProcessContext({ authDomainPrefix: 'omfordelning-test' }), scratch, {
        builtinValidation: false,
      });
      Template.fromStack(stack).hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'omfordelning-test' });
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('has a public web client: authorization code only (PKCE), no secret, no plain-password flow', () => {
    expect(webClient.Properties).toMatchObject({
      UserPoolId: { Ref: poolId },
      GenerateSecret: false,
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin'],
      ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      SupportedIdentityProviders: ['COGNITO'],
      PreventUserExistenceErrors: 'ENABLED',
      CallbackURLs: [{ 'Fn::Join': ['', ['https://', distributionDomain, '/inloggad']] }],
      LogoutURLs: [{ 'Fn::Join': ['', ['https://', distributionDomain, '/']] }],
    });
  });

  it('lets the ID token carry the organisation claims, which the client cannot write', () => {
    expect(webClient.Properties.ReadAttributes).toEqual(expect.arrayContaining(['custom:municipality', 'custom:county']));
    expect(webClient.Properties.WriteAttributes.filter((a: string) => a.startsWith('custom:'))).toEqual([]);
  });

  it("is trusted by the API's JWT authorizer", () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      JwtConfiguration: { Audience: Match.arrayWith([{ Ref: webClientId }]) },
    });
  });

  it('exports the web app URL, the Cognito domain and the web client id', () => {
    expect(raw.Outputs.WebAppUrl.Value).toEqual({ 'Fn::Join': ['', ['https://', distributionDomain, '/']] });
    expect(raw.Outputs.AuthDomain.Value).toEqual({
      'Fn::Join': ['', ['https://', { Ref: domainId }, '.auth.', { Ref: 'AWS::Region' }, '.amazoncognito.com']],
    });
    expect(raw.Outputs.WebClientId.Value).toEqual({ Ref: webClientId });
  });
});

describe('Synthesis without the web app', () => {
  it('fails with a message that says how to build it', () => {
    const empty = mkdtempSync(join(tmpdir(), 'omfordelning-noweb-'));
    try {
      const attempt = () => buildApp(inProcessContext({ webDist: empty }), join(empty, 'out'), { builtinValidation: false });
      expect(attempt).toThrow(SiteNotBuiltError);
      expect(attempt).toThrow(/npm run build:web/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

// cfn-lint is a Python tool, present on the developers' machines but not required by CI.
const cfnLint = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' }).status === 0;
describe.skipIf(!cfnLint)('cfn-lint (when installed)', () => {
  it('finds no errors in the template (warnings allowed)', { timeout: 120_000 }, () => {
    const file = join(outdir, 'lint.template.json');
    writeFileSync(file, JSON.stringify(raw));
    let output = '';
    try {
      output = execFileSync('cfn-lint', ['--format', 'parseable', file], { encoding: 'utf8' });
    } catch (error: any) {
      // Exit status is a bit mask: 2 errors, 4 warnings, 8 informational.
      output = String(error.stdout);
      expect(error.status & 2, output).toBe(0);
    }
    const errors = output.split('\n').filter((line) => /:E\d{4}:/.test(line));
    expect(errors).toEqual([]);
  });
});
