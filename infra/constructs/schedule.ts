import { Duration, TimeZone } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { deadLetterQueue } from './dead-letter-queue';
import { schedulerInvokeRole } from './scheduler-role';
import { TASKS } from '../../shared/workflow/contract';
import { DomainFunction, entryOf, missingEntries } from './function';
import type { Notifications } from './notifications';
import { acknowledgeExecutionWildcard, acknowledgeTableIndexes } from './workflow';

/** The function the schedule invokes: it starts `cycle-<next year>` (functions/cycle-start-next/index.ts). */
export const START_NEXT_FUNCTION = TASKS.startNext;

/**
 * The yearly calendar is in Swedish time (docs/DESIGN.md "Calendar"). aws-cdk-lib 2.276 has no
 * TimeZone.EUROPE_STOCKHOLM (tzdb made Stockholm a link to Berlin), but the IANA name is
 * valid for EventBridge Scheduler and is what an administrator expects to read.
 */
const SCHEDULE_TIME_ZONE = TimeZone.of('Europe/Stockholm');

export interface YearlyScheduleProps {
  stateMachine: sfn.StateMachine;
  table: dynamodb.TableV2;
  notifications: Notifications;
}

/**
 * Starts the next share year's workflow every 1 August at 08:00 Swedish time, two weeks
 * before the default publication (15 August, 09:00): the execution plans the year and
 * waits for its milestones. Starting a year that is already running is harmless. An
 * invocation that still fails after its retries lands in a dead-letter queue, which alarms.
 */
export class YearlySchedule extends Construct {
  readonly schedule: scheduler.Schedule;
  readonly startNext: NodejsFunction;
  /** Invocations Scheduler gave up on (observability.ts alarms on any). */
  readonly deadLetters: sqs.Queue;

  constructor(scope: Construct, id: string, props: YearlyScheduleProps) {
    super(scope, id);
    const missing = missingEntries([START_NEXT_FUNCTION]);
    if (missing.length > 0) throw new Error(`Missing schedule handler: ${missing.map(entryOf).join(', ')}`);

    this.startNext = new DomainFunction(this, 'StartNextYear', {
      name: START_NEXT_FUNCTION,
      description: 'Starts the workflow of the next share year (yearly schedule)',
      timeout: Duration.seconds(60),
      environment: {
        // The start records the year's cycle (as POST /cycle does), through the same app context.
        TABLE_NAME: props.table.tableName,
        MAIL_FROM: props.notifications.mailFrom,
        STATE_MACHINE_ARN: props.stateMachine.stateMachineArn,
      },
    }).handler;
    props.table.grantReadWriteData(this.startNext);
    props.stateMachine.grantStartExecution(this.startNext);
    props.stateMachine.grantExecution(this.startNext, 'states:DescribeExecution');
    acknowledgeExecutionWildcard(props.stateMachine, [this.startNext]);
    acknowledgeTableIndexes(this, props.table);

    const role = schedulerInvokeRole(this, this.startNext, 'start-next');

    this.deadLetters = deadLetterQueue(this, 'the yearly schedule');

    this.schedule = new scheduler.Schedule(this, 'StartNextYearSchedule', {
      description: 'Starts cycle-<next year> every 1 August, 08:00 Europe/Stockholm',
      schedule: scheduler.ScheduleExpression.cron({
        minute: '0',
        hour: '8',
        day: '1',
        month: '8',
        timeZone: SCHEDULE_TIME_ZONE,
      }),
      // LambdaInvoke adds lambda:InvokeFunction on this function (and its versions) and
      // sqs:SendMessage on the dead-letter queue to the role, nothing else.
      target: new targets.LambdaInvoke(this.startNext, {
        role,
        // The share year follows from the scheduled time, not from the time of the attempt:
        // a retry hours later still starts the same year (StartNextInput).
        input: scheduler.ScheduleTargetInput.fromObject({ scheduledTime: scheduler.ContextAttribute.scheduledTime }),
        // A failed start is retried for a day (the year is not published for two weeks); errors alarm.
        maxEventAge: Duration.hours(24),
        retryAttempts: 20,
        deadLetterQueue: this.deadLetters,
      }),
    });
  }
}
