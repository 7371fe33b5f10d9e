import { Annotations, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';

/** The variable that tells a function sending notices the web app's address (shared/composition/mailing.ts). */
export const APP_URL_ENV = 'APP_BASE_URL';
/** The variable that tells a function Migrationsverket's mailbox until one is imported (shared/composition/tables.ts). */
export const MIGRATIONSVERKET_ENV = 'MIGRATIONSVERKET_MAILBOX';

export interface NotificationsProps {
  /** The web app's address, `https://host` (may be a token): the notices link its pages. */
  appUrl: string;
  /** Setting mailFrom: an address (verified alone) or a domain (verified by DKIM; we send as `omfordelning@<domain>`). */
  mailFrom: string;
  /**
   * `existing`: the identity is verified in SES already, and only referenced. `create`: the
   * stack creates it (retained, so a later `existing` keeps it); Cognito then keeps its own
   * e-mail, since it refuses an unverified SES identity.
   */
  mailIdentity: 'existing' | 'create';
  /** Setting migrationsverketMailbox: its contact until an administrator imports one. */
  migrationsverketMailbox: string;
}

/**
 * The e-mail the system sends (notices, reminders, county reports, and Cognito's invitations
 * and password resets) goes out through SES from one verified identity.
 */
export class Notifications extends Construct {
  /** The SES identity's ARN (created here or verified before). */
  readonly identityArn: string;
  /** The verified identity: the address, or the domain. */
  readonly identityName: string;
  /** Whether the identity is verified before this deployment (Cognito may send through it). */
  readonly identityVerified: boolean;
  readonly configurationSet: ses.ConfigurationSet;
  /** The From address handlers use (env MAIL_FROM). */
  readonly mailFrom: string;
  /** The web app's address the notices link under (env APP_BASE_URL of the functions that send them). */
  readonly appUrl: string;
  readonly migrationsverketMailbox: string;

  constructor(scope: Construct, id: string, props: NotificationsProps) {
    super(scope, id);
    this.appUrl = props.appUrl;
    this.migrationsverketMailbox = props.migrationsverketMailbox;
    const configured = props.mailFrom;
    const isAddress = configured.includes('@');
    this.mailFrom = isAddress ? configured : `omfordelning@${configured}`;
    this.identityName = configured;
    this.identityVerified = props.mailIdentity === 'existing';

    // Reputation metrics and account-level suppression keep bounces from hurting delivery.
    this.configurationSet = new ses.ConfigurationSet(this, 'Sending', {
      reputationMetrics: true,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });

    if (props.mailIdentity === 'existing') {
      // Verified by the operator before the deploy (README): creating it again would fail.
      this.identityArn = Stack.of(this).formatArn({ service: 'ses', resource: 'identity', resourceName: configured });
    } else {
      const identity = new ses.EmailIdentity(this, 'Sender', {
        identity: isAddress ? ses.Identity.email(configured) : ses.Identity.domain(configured),
        // Default configuration set: handlers need not name it when they send.
        configurationSet: this.configurationSet,
      });
      // Kept when the setting later turns to `existing`, once verified.
      identity.applyRemovalPolicy(RemovalPolicy.RETAIN);
      this.identityArn = identity.emailIdentityArn;
      Annotations.of(this).addWarningV2(
        'omfordelning:mail-identity-created',
        `Cognito skickar med sin egen e-post (högst 50 om dagen) tills ${configured} är verifierad i SES och stacken driftsätts med -c mailIdentity=existing.`,
      );
    }
  }

  /**
   * Makes `fn` one that sends notices: it may send as the sender identity through the
   * configuration set (nothing else), and it is told the web app's address for their links.
   * Only these functions get the address. Given the distribution's own, each depends on the
   * distribution, which depends on the HTTP API resource alone (its origin), not on any
   * function or route: no cycle, though the API starts the workflow whose tasks mail
   * (test/infra/app-url.test.ts checks the template for one).
   */
  connectSender(fn: lambda.Function): iam.Grant {
    fn.addEnvironment(APP_URL_ENV, this.appUrl);
    fn.addEnvironment(MIGRATIONSVERKET_ENV, this.migrationsverketMailbox);
    return this.grantSend(fn);
  }

  /** Lets a function send as the sender identity, through the configuration set, nothing else. */
  private grantSend(grantee: iam.IGrantable): iam.Grant {
    const configurationSetArn = Stack.of(this).formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: this.configurationSet.configurationSetName,
    });
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['ses:SendEmail', 'ses:SendRawEmail'],
      resourceArns: [this.identityArn, configurationSetArn],
    });
  }
}
