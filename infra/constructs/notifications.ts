import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';

/** Sender used when the `mailFrom` context is not given. */
export const DEFAULT_MAIL_FROM = 'omfordelning@example.se';

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

  constructor(scope: Construct, id: string) {
    super(scope, id);
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

  /** Lets a function send as the sender identity, through the configuration set, nothing else. */
  grantSend(grantee: iam.IGrantable): iam.Grant {
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
