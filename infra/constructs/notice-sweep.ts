import { Duration, TimeZone } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { schedulerInvokeRole } from './scheduler-role';
import { DomainFunction, entryOf, missingEntries } from './function';
import type { Notifications } from './notifications';
import { acknowledgeTableIndexes } from './workflow';

/** functions/sweep-notices/index.ts */
export const SWEEP_FUNCTION = 'sweep-notices';

export interface NoticeSweepProps {
  table: dynamodb.TableV2;
  notifications: Notifications;
}

/**
 * The safety net under the ledger stream (docs/ledger.md "The daily sweep"): every day at
 * 04:00 Swedish time a function sends the notices of events older than an hour that the
 * follower did not get out, so an outage longer than the stream's 24 h loses nothing. A
 * failed sweep is retried by the schedule for the rest of the day; its errors alarm
 * (observability.ts, with the workflow's task functions).
 */
export class NoticeSweep extends Construct {
  readonly function: NodejsFunction;
  readonly schedule: scheduler.Schedule;

  constructor(scope: Construct, id: string, props: NoticeSweepProps) {
    super(scope, id);
    const missing = missingEntries([SWEEP_FUNCTION]);
    if (missing.length > 0) throw new Error(`Missing notice sweep handler: ${missing.map(entryOf).join(', ')}`);

    this.function = new DomainFunction(this, 'SweepNotices', {
      name: SWEEP_FUNCTION,
      description: 'Daily: sends the notices of ledger events older than an hour that the stream did not get out',
      // A first sweep after a long outage follows whole ledgers again.
      timeout: Duration.minutes(5),
      environment: {
        TABLE_NAME: props.table.tableName,
        MAIL_FROM: props.notifications.mailFrom,
      },
    }).handler;
    props.table.grantReadWriteData(this.function);
    props.notifications.connectSender(this.function);
    acknowledgeTableIndexes(this, props.table);

    const role = schedulerInvokeRole(this, this.function, 'sweep');

    this.schedule = new scheduler.Schedule(this, 'Daily', {
      description: 'Sends missing ledger notices every day, 04:00 Europe/Stockholm',
      schedule: scheduler.ScheduleExpression.cron({ minute: '0', hour: '4', timeZone: TimeZone.of('Europe/Stockholm') }),
      target: new targets.LambdaInvoke(this.function, {
        role,
        // The function takes no input: it sweeps the share years of the day it runs.
        input: scheduler.ScheduleTargetInput.fromObject({}),
        maxEventAge: Duration.hours(20),
        retryAttempts: 10,
      }),
    });
  }
}
