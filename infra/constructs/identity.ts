import { Duration, Fn, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

export interface IdentityProps {
  /**
   * Base URL of the web app (`https://<domain>`, no trailing slash): the web client's sign-in
   * callback is `<webAppUrl>/inloggad`, its sign-out return `<webAppUrl>/`. May be a token.
   */
  webAppUrl: string;
  /**
   * Prefix of the Cognito domain `https://<prefix>.auth.<region>.amazoncognito.com`. Prefixes
   * are global per region across all AWS accounts, so a taken one fails the deployment.
   * @default `<stack name>-<first 8 hex digits of the stack's UUID>`, unique per stack
   */
  domainPrefix?: string;
}

/**
 * Who may call the API: a Cognito user pool whose ID tokens carry the claims the handlers
 * authorize on (README "Roles and tokens"): `custom:role`, `custom:municipality`, `custom:county`.
 * Users are created by administrators; nobody signs up. Two app clients: one for scripts
 * (`ApiClient`, SRP/password, no OAuth) and one for the web app (`WebClient`, authorization
 * code with PKCE through the pool's Cognito domain).
 */
export class Identity extends Construct {
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;
  /** The web app's client: a public client (no secret), code flow, ID tokens as bearer. */
  readonly webClient: cognito.UserPoolClient;
  /** The managed sign-in pages and OAuth endpoints of the pool. */
  readonly domain: cognito.UserPoolDomain;
  /** `https://<prefix>.auth.<region>.amazoncognito.com` */
  readonly domainUrl: string;
  /** The JWT issuer (`iss`) of the pool's tokens, also the OIDC authority of the web app. */
  readonly issuerUrl: string;
  /** Client ids the API's JWT authorizer accepts as `aud` of an ID token. */
  readonly audiences: string[];

  constructor(scope: Construct, id: string, props: IdentityProps) {
    super(scope, id);

    this.userPool = new cognito.UserPool(this, 'Users', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      // Mutable so that an administrator can correct a mistaken role or code.
      customAttributes: {
        role: new cognito.StringAttribute({ minLen: 3, maxLen: 16, mutable: true }),
        municipality: new cognito.StringAttribute({ minLen: 4, maxLen: 4, mutable: true }),
        county: new cognito.StringAttribute({ minLen: 2, maxLen: 2, mutable: true }),
      },
      keepOriginal: { email: true },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(7),
      },
      // TOTP available to every user (no SMS cost); not forced, see the acknowledgement below.
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      // Lite plan: no threat protection (advanced security), lowest price per user.
      featurePlan: cognito.FeaturePlan.LITE,
      userInvitation: {
        emailSubject: 'Ditt konto för omfördelning av anvisningsandelar',
        emailBody:
          'Du har fått ett konto för omfördelning av anvisningsandelar. ' +
          'Användarnamn: {username}. Tillfälligt lösenord: {####}',
      },
      deletionProtection: true,
      // Accounts of municipal officers outlive any one deployment.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.client = this.userPool.addClient('ApiClient', {
      generateSecret: false,
      authFlows: { userPassword: true, userSrp: true },
      disableOAuth: true,
      preventUserExistenceErrors: true,
      // Tokens must show the authorization claims…
      readAttributes: new cognito.ClientAttributes()
        .withStandardAttributes({ email: true, emailVerified: true, fullname: true })
        .withCustomAttributes('role', 'municipality', 'county'),
      // …but a user must never write them (UpdateUserAttributes would let anyone become admin).
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({
        email: true,
        fullname: true,
      }),
    });

    this.issuerUrl = `https://${this.userPool.userPoolProviderUrl}`;

    // Classic hosted UI: the newer managed login needs a branding style per client and
    // has no Swedish either; the web app's own pages say what happens before the redirect.
    this.domain = this.userPool.addDomain('Domain', {
      cognitoDomain: { domainPrefix: props.domainPrefix ?? defaultDomainPrefix(this) },
      managedLoginVersion: cognito.ManagedLoginVersion.CLASSIC_HOSTED_UI,
    });
    this.domainUrl = this.domain.baseUrl();

    // A browser cannot keep a secret: a public client, authorization code with PKCE only
    // (no implicit flow, no password flows). The API authorizes on the ID token's custom
    // claims, so the same attributes are readable, and none of the authorization ones writable.
    this.webClient = this.userPool.addClient('WebClient', {
      generateSecret: false,
      // SRP, as the console's single-page-app preset: the password never leaves the hosted
      // UI in clear, and the sign-in pages work whatever flows they rely on. No password
      // flow; CDK adds refresh (the web app renews tokens with the refresh token).
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: [`${props.webAppUrl}/inloggad`],
        logoutUrls: [`${props.webAppUrl}/`],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      readAttributes: new cognito.ClientAttributes()
        .withStandardAttributes({ email: true, emailVerified: true, fullname: true })
        .withCustomAttributes('role', 'municipality', 'county'),
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({
        email: true,
        fullname: true,
      }),
    });

    this.audiences = [this.client.userPoolClientId, this.webClient.userPoolClientId];

    Validations.of(this.userPool).acknowledge(
      {
        id: 'AwsSolutions-COG2',
        reason: 'TOTP MFA is offered but optional: municipalities onboard officers without an authenticator app.',
      },
      {
        id: 'AwsSolutions-COG8',
        reason: 'Plus plan (threat protection) costs more than this small, invitation-only pool warrants.',
      },
    );
  }
}

/**
 * `<stack name>-<8 hex digits>`: the stack name says whose domain it is, the start of the
 * stack's UUID (known only at deploy time) makes it unlikely to be taken by another account.
 */
function defaultDomainPrefix(scope: Construct): string {
  const stack = Stack.of(scope);
  const name = stack.stackName.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 40);
  const uuid = Fn.select(2, Fn.split('/', stack.stackId));
  return `${name}-${Fn.select(0, Fn.split('-', uuid))}`;
}
