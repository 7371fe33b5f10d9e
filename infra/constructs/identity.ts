import { Duration, Fn, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ROLES, type Role } from '../../shared/domain/roles';
import { DomainFunction } from './function';
import type { Notifications } from './notifications';

/** The custom attributes: the organisation a user acts for. Only administrators write them. */
const ORGANISATION_ATTRIBUTES = ['municipality', 'county'] as const;

const GROUP_DESCRIPTIONS: Record<Role, string> = {
  municipality: 'Kommunens handläggare (custom:municipality anger kommunen)',
  county: 'Länsstyrelsens handläggare (custom:county anger länet)',
  admin: 'Administratörer: kräver TOTP',
};

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
  /** Cognito's invitations and password resets go out through its SES identity, when verified. */
  notifications: Notifications;
}

/**
 * Who may call the API: a Cognito user pool whose ID tokens carry the claims the handlers
 * authorize on (README "Roles and tokens"): the role as the user's group (`cognito:groups`:
 * `municipality`, `county` or `admin`), the organisation as `custom:municipality` or
 * `custom:county`. Groups, not an attribute, for the role: only the admin API changes a
 * membership, Cognito itself puts it in both tokens, and `ListUsersInGroup` answers who holds
 * a role. Users are created by administrators (`npm run users`); nobody signs up. MFA is
 * optional in the pool (TOTP only, no SMS), and required of administrators: the pre token
 * generation trigger leaves the `admin` group out of the tokens of one without TOTP. SRP only,
 * no password flow. Two app clients: one for scripts (`ApiClient`, no OAuth) and one for the
 * web app (`WebClient`, authorization code with PKCE through the pool's Cognito domain).
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
  /** Refuses the admin role to a sign-in without TOTP. */
  readonly preTokenGeneration: DomainFunction;

  constructor(scope: Construct, id: string, props: IdentityProps) {
    super(scope, id);
    const { notifications } = props;
    const stack = Stack.of(this);

    this.preTokenGeneration = new DomainFunction(this, 'PreTokenGeneration', {
      name: 'pre-token-generation',
      description: 'Cognito pre token generation: no admin group without TOTP',
      timeout: Duration.seconds(5),
      memorySize: 256,
    });
    // The pool's own ARN would make a cycle (pool → trigger → role → pool): any pool of
    // this account and region, one read-only action.
    this.preTokenGeneration.handler.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['cognito-idp:AdminGetUser'],
        resources: [stack.formatArn({ service: 'cognito-idp', resource: 'userpool', resourceName: '*' })],
      }),
    );

    this.userPool = new cognito.UserPool(this, 'Users', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      // Anna.Berg@kommun.se and anna.berg@kommun.se are one user (the users script relies on it).
      signInCaseSensitive: false,
      standardAttributes: { email: { required: true, mutable: true } },
      // Mutable so that an administrator can correct a mistaken code.
      customAttributes: {
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
      // TOTP available to every user (no SMS cost), required of administrators by the trigger.
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      // Lite plan: no threat protection (advanced security), lowest price per user. Its
      // (version 1) trigger can override the groups in the tokens.
      featurePlan: cognito.FeaturePlan.LITE,
      lambdaTriggers: { preTokenGeneration: this.preTokenGeneration.handler },
      // Through SES from the verified sender: Cognito's own e-mail sends a few a day.
      ...(notifications.identityVerified && {
        email: cognito.UserPoolEmail.withSES({
          fromEmail: notifications.mailFrom,
          fromName: 'Omfördelning',
          ...(!notifications.identityName.includes('@') && { sesVerifiedDomain: notifications.identityName }),
          sesRegion: stack.region,
        }),
      }),
      userInvitation: {
        emailSubject: 'Ditt konto för omfördelning av anvisningsandelar',
        emailBody:
          // No link: the web app's address names the distribution, whose headers name the pool's domain (a cycle).
          'Du har fått ett konto för omfördelning av anvisningsandelar. Användarnamn: {username}. ' +
          'Tillfälligt lösenord: {####}. Du väljer ett eget lösenord vid första inloggningen.',
      },
      deletionProtection: true,
      // Accounts of municipal officers outlive any one deployment.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    for (const [index, role] of ROLES.entries()) {
      new cognito.UserPoolGroup(this, `Group${role[0]!.toUpperCase()}${role.slice(1)}`, {
        userPool: this.userPool,
        groupName: role,
        description: GROUP_DESCRIPTIONS[role],
        precedence: index,
      });
    }

    // Tokens must show the organisation…
    const readAttributes = new cognito.ClientAttributes()
      .withStandardAttributes({ email: true, emailVerified: true, fullname: true })
      .withCustomAttributes(...ORGANISATION_ATTRIBUTES);
    // …but a user must never write it (UpdateUserAttributes would let anyone act for any municipality).
    const writeAttributes = new cognito.ClientAttributes().withStandardAttributes({ email: true, fullname: true });

    this.client = this.userPool.addClient('ApiClient', {
      generateSecret: false,
      // SRP only: the password never reaches Cognito (nor a log) in clear.
      authFlows: { userSrp: true },
      disableOAuth: true,
      preventUserExistenceErrors: true,
      readAttributes,
      writeAttributes,
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
    // (no implicit flow, no password flows). The API authorizes on the ID token's group and
    // custom claims, so the same attributes are readable, and none of the organisation's writable.
    this.webClient = this.userPool.addClient('WebClient', {
      generateSecret: false,
      // SRP, as the console's single-page-app preset: the password never leaves the hosted
      // UI in clear, and the sign-in pages work whatever flows they rely on. No password
      // flow; CDK adds refresh (the web app renews tokens with the refresh token).
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        // COGNITO_ADMIN (aws.cognito.signin.user.admin): the access token may call Cognito's
        // user API for the user themselves; the web app registers an administrator's TOTP with it.
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE, cognito.OAuthScope.COGNITO_ADMIN],
        callbackUrls: [`${props.webAppUrl}/inloggad`],
        logoutUrls: [`${props.webAppUrl}/`],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      readAttributes,
      writeAttributes,
    });

    this.audiences = [this.client.userPoolClientId, this.webClient.userPoolClientId];

    Validations.of(this.preTokenGeneration).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cognito-idp:<AWS::Region>:<AWS::AccountId>:userpool/*]',
      reason: 'AdminGetUser (read only) on the pools of this account and region: naming this pool would make a dependency cycle through its trigger.',
    });

    Validations.of(this.userPool).acknowledge(
      {
        id: 'AwsSolutions-COG2',
        reason:
          'MFA is per pool: optional (TOTP only) so that municipalities onboard officers without an authenticator app; administrators get their role only with TOTP (pre token generation trigger).',
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
