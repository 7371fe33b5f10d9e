import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

/**
 * Who may call the API: a Cognito user pool whose ID tokens carry the claims the handlers
 * authorize on (DESIGN §3): `custom:role`, `custom:municipality`, `custom:county`.
 * Users are created by administrators; nobody signs up.
 */
export class Identity extends Construct {
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;
  /** The JWT issuer (`iss`) of the pool's tokens. */
  readonly issuerUrl: string;

  constructor(scope: Construct, id: string) {
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
