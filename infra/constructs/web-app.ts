import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type CfnResource, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import type { Api } from './api';
import type { Identity } from './identity';

export interface WebAppProps {
  /**
   * The built web app (`web/dist`): at least `index.html`. Read at synth time; a missing
   * directory fails synthesis, so a deployment never ships without the app.
   */
  siteDir: string;
  api: Api;
  identity: Identity;
  /**
   * The address users open the web app at, when it is not the distribution's own (context
   * `appUrl`: the operator's domain, which must reach this distribution): sign-in comes back
   * to it and the notices link it. Default `https://<distribution domain>`.
   */
  appUrl?: string;
}

/** Synthesis without the built web app: the CLI prints only this message. */
export class SiteNotBuiltError extends Error {
  override readonly name = 'SiteNotBuiltError';
}

/** A context value the stack cannot be built with: the CLI prints only this message. */
export class BadContextError extends Error {
  override readonly name = 'BadContextError';
}

/**
 * Context `appUrl` as an origin (`https://omfordelning.example.se`, no trailing slash), or
 * undefined when not given. The web app's pages are at the root of its address: a path,
 * query or plain http is refused, since sign-in and every link would break.
 */
export function appUrlFromContext(value: unknown): string | undefined {
  if (value === undefined || value === '') return undefined;
  let url: URL | undefined;
  try {
    url = new URL(String(value));
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'https:' || url.pathname !== '/' || url.search || url.hash || url.username) {
    throw new BadContextError(`appUrl must be the web app's address, https://<host> without a path (for example https://omfordelning.example.se), not ${String(value)}.`);
  }
  return url.origin;
}

/** Path of the sign-in callback in the web app (the Cognito web client's callback URL). */
const SIGN_IN_CALLBACK_PATH = '/inloggad';
/** What the web app fetches at start to find its sign-in settings. */
const CONFIG_KEY = 'config.json';

/**
 * The web app on AWS: its files in a private bucket, served with the API by one CloudFront
 * distribution so the browser sees a single origin (`/v1/*` goes to the HTTP API: no CORS,
 * same security headers). Pages are client-side routes: a viewer-request function sends
 * every path without a file extension to `/index.html`, so the API's own 403/404 are never
 * rewritten (custom error responses would apply to every behaviour).
 */
export class WebApp extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  /** Where users open the web app, no trailing slash: `appUrl`, or `https://<distribution domain>`. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: WebAppProps) {
    super(scope, id);
    const { identity } = props;
    const stack = Stack.of(this);

    if (!existsSync(join(props.siteDir, 'index.html'))) {
      throw new SiteNotBuiltError(
        `The web app is not built: ${join(props.siteDir, 'index.html')} is missing. ` +
          'Build it with `npm run build:web` (npm run synth and cdk.json do it when the script exists), ' +
          'or point the context value webDist at a built app.',
      );
    }

    this.bucket = new s3.Bucket(this, 'Files', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // Rebuilt from git on every deploy, so no versioning; retained like the rest of the
      // stack's state so that deleting the stack never fails on a non-empty bucket.
      removalPolicy: RemovalPolicy.RETAIN,
      autoDeleteObjects: false,
    });

    // Only CloudFront with this distribution's origin access control reads the bucket
    // (the bucket policy's condition names the distribution); nothing is public.
    const files = origins.S3BucketOrigin.withOriginAccessControl(this.bucket);
    const api = new origins.HttpOrigin(
      `${props.api.httpApi.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`,
      { protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY },
    );

    const region = stack.region;
    const headers = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Omfordelning web app: CSP, HSTS, no framing',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          override: true,
          contentSecurityPolicy: [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            // The OIDC client fetches discovery and keys from the issuer (cognito-idp) and
            // exchanges the code at the Cognito domain's token endpoint; an administrator
            // registers TOTP at cognito-idp (AssociateSoftwareToken, VerifySoftwareToken, …).
            `connect-src 'self' ${identity.domainUrl} https://cognito-idp.${region}.amazonaws.com`,
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-src 'none'",
            "frame-ancestors 'none'",
          ].join('; '),
        },
        strictTransportSecurity: {
          override: true,
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { override: true, frameOption: cloudfront.HeadersFrameOption.DENY },
        referrerPolicy: {
          override: true,
          // The callback URL carries the authorization code: never send a path elsewhere.
          referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
        },
      },
      customHeadersBehavior: {
        customHeaders: [
          { header: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()', override: true },
          { header: 'Cross-Origin-Opener-Policy', value: 'same-origin', override: true },
        ],
      },
    });

    const spaFallback = new cloudfront.Function(this, 'SpaFallback', {
      comment: 'Paths without a file extension are pages of the app: serve /index.html',
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(SPA_FALLBACK_CODE),
    });

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Omfordelning web app and API',
      defaultRootObject: 'index.html',
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      // Users are in Sweden: Europe's edge locations are in the cheapest class.
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      defaultBehavior: {
        origin: files,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        compress: true,
        responseHeadersPolicy: headers,
        functionAssociations: [{ function: spaFallback, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
      },
      additionalBehaviors: {
        // Every request reaches the API as sent (Authorization, Idempotency-Key, Content-Type,
        // query strings), except Host, which must be the API's own for API Gateway to route.
        '/v1/*': {
          origin: api,
          // A redirect would turn a POST into a GET: plain HTTP is refused instead.
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
          originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          compress: true,
          responseHeadersPolicy: headers,
        },
      },
      // No errorResponses on purpose: they would replace the API's JSON errors too.
    });
    this.url = props.appUrl ?? `https://${this.distribution.distributionDomainName}`;

    const site = s3deploy.Source.asset(props.siteDir);
    // What the web app reads at start (`GET /config.json`): the OIDC settings of the web client.
    const config = s3deploy.Source.jsonData(CONFIG_KEY, {
      auth: {
        kind: 'cognito',
        authority: identity.issuerUrl,
        clientId: identity.webClient.userPoolClientId,
        domain: identity.domainUrl,
        redirectUri: `${this.url}${SIGN_IN_CALLBACK_PATH}`,
        logoutUri: `${this.url}/`,
      },
    });

    // Two steps so that a new index.html never names chunks that are not uploaded yet:
    // first every other file (kept from earlier deploys, since tabs opened before a deploy
    // still load their hashed chunks), then the entry points, never cached without asking.
    const filesDeployment = new s3deploy.BucketDeployment(this, 'DeployFiles', {
      destinationBucket: this.bucket,
      sources: [site],
      exclude: ['index.html', CONFIG_KEY],
      prune: false,
    });
    const entryDeployment = new s3deploy.BucketDeployment(this, 'DeployEntry', {
      destinationBucket: this.bucket,
      sources: [site, config],
      exclude: ['*'],
      include: ['index.html', CONFIG_KEY],
      prune: false,
      cacheControl: [s3deploy.CacheControl.noCache()],
      distribution: this.distribution,
      distributionPaths: ['/index.html', `/${CONFIG_KEY}`],
    });
    entryDeployment.node.addDependency(filesDeployment);
    acknowledgeDeploymentHandler(filesDeployment, this.bucket);

    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Holds only the public build of the web app; the requests that matter (/v1/*) are in the API access log, and the ledger is the audit.',
    });
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason: 'Officers of Swedish municipalities may work from abroad; access is controlled by sign-in, not by country.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'A CloudFront WAF must live in us-east-1 (this stack is regional); the API is throttled and Cognito guards sign-in. Revisit with a custom domain.',
      },
      {
        id: 'AwsSolutions-CFR3',
        reason: 'Static public files only; API requests are logged by the API stage access log (JSON, one month).',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'The default *.cloudfront.net certificate cannot set a minimum TLS version; a custom domain with an ACM certificate (us-east-1) would allow TLSv1.2_2021.',
      },
    );
  }
}

/**
 * BucketDeployment's handler is one stack-wide singleton Lambda of CDK (its role is the
 * only handle to it); its policy is CDK's own, scoped to the staging and site buckets.
 */
function acknowledgeDeploymentHandler(deployment: s3deploy.BucketDeployment, bucket: s3.Bucket): void {
  const handler = deployment.handlerRole.node.scope;
  if (!handler) return;
  const bucketId = Stack.of(bucket).getLogicalId(bucket.node.defaultChild as CfnResource);
  const staging = 'arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*';
  const reason = {
    actions: 'CDK grants read of the staged asset and sync (get, list, put, delete, abort multipart) of the site bucket only.',
    resources: 'Objects of the CDK staging bucket (the site asset) and of the site bucket, nothing else.',
  };
  Validations.of(handler).acknowledge(
    {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: "CDK's deployment handler writes its own logs with the basic execution role.",
    },
    ...['s3:GetBucket*', 's3:GetObject*', 's3:List*', 's3:Abort*', 's3:DeleteObject*'].map((action) => ({
      id: `AwsSolutions-IAM5[Action::${action}]`,
      reason: reason.actions,
    })),
    { id: `AwsSolutions-IAM5[Resource::${staging}]`, reason: reason.resources },
    { id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/*]`, reason: reason.resources },
    {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'cloudfront:CreateInvalidation/GetInvalidation as granted by CDK for the deploy-time invalidation of the entry points.',
    },
    { id: 'AwsSolutions-L1', reason: "CDK's deployment handler runtime is chosen by aws-cdk-lib and moves with its upgrades." },
  );
}

/** CloudFront Functions JS 2.0: `/`, `/kommun/forslag` → `/index.html`; `/assets/x.js` unchanged. */
const SPA_FALLBACK_CODE = `function handler(event) {
  var request = event.request;
  var last = request.uri.split('/').pop();
  if (last.indexOf('.') === -1) {
    request.uri = '/index.html';
  }
  return request;
}`;
