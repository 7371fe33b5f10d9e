import { type CfnResource, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Construct } from 'constructs';

/**
 * EventBridge Scheduler's role for one schedule (instead of the target's stack-level
 * default): only Scheduler of this account's default group assumes it, and the target
 * grants it the invocation of this one function.
 */
export function schedulerInvokeRole(scope: Construct, fn: NodejsFunction, what: string): iam.Role {
  const stack = Stack.of(scope);
  const role = new iam.Role(scope, 'InvokeRole', {
    assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
      conditions: {
        StringEquals: {
          'aws:SourceAccount': stack.account,
          'aws:SourceArn': stack.formatArn({ service: 'scheduler', resource: 'schedule-group', resourceName: 'default' }),
        },
      },
    }),
  });
  Validations.of(role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(fn.node.defaultChild as CfnResource)}.Arn>:*]`,
    reason: `Qualified ARNs (versions, aliases) of the one ${what} function; the Scheduler target grants them.`,
  });
  return role;
}
