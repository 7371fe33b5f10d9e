import { Duration, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/** A dead-letter queue (`DeadLetters` in `scope`): SQS-managed encryption, TLS only, kept 14 days; an operator handles what lands in it. */
export function deadLetterQueue(scope: Construct, ofWhat: string): sqs.Queue {
  const queue = new sqs.Queue(scope, 'DeadLetters', {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  Validations.of(queue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: `This queue is itself the dead-letter queue of ${ofWhat}; its messages alarm and are handled by an operator.`,
  });
  return queue;
}
