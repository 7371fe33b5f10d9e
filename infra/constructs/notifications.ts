import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';

/** Sender used when the `mailFrom` context is not given. */
const DEFAULT_MAIL_FROM = 'omfordelning@example.se';

/** The variable that tells a function sending notices the web app's address (shared/composition/mailing.ts). */
export const APP_URL_ENV = 'APP_BASE_URL';

export interface NotificationsProps {
  /** The web app's address, `https://host` (may be a token): the notices link its pages. */
  appUrl: string;
}

/**
 * The e-mail the system sends (notices, reminders, county reports) goes out through SES
 * from one verified identity. Context `mailFrom`: an address (verified alone) or a domain
 * (verified by DKIM; we send as `omfordelning@<domain>`).
 */
export class Notifications extends Construct {
  readonly identity: ses.EmailIdentity;
  readonly configurationSet: ses.ConfigurationSet;
  /** The From address handlers use (env MAIL_FROM). */
  readonly mailFrom: string;
  /** The web app's address the notices link under (env APP_BASE_URL of the functions that send them). */
  readonly appUrl: string;

  constructor(scope: Construct, id: string, props: NotificationsProps) {
    super(scope, id);
    this.appUrl = props.appUrl;
    const configured = String(this.node.tryGetContext('mailFrom') ?? DEFAULT_MAIL_FROM);
    const isAddress = configured.includes('@');
    this.mailFrom = isAddress ? configured : `omfordelning@${configured}`;

    // Reputation metrics and account-level suppression keep bounces from hurting delivery.
    this.configurationSet = new ses.ConfigurationSet(this, 'Sending', {
      reputationMetrics: true,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });

    this.identity = new ses.EmailIdentity(this, 'Sender', {
      identity: isAddress ? ses.Identity.email(configured) : ses.Identity.domain(configured),
      // Default configuration set: handlers need not name it when they send.
      configurationSet: this.configurationSet,
    });
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
      resourceArns: [this.identity.emailIdentityArn, configurationSetArn],
    });
  }
}
