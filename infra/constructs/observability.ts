import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

export interface ObservabilityProps {
  httpApi: apigw.HttpApi;
  stateMachine: sfn.StateMachine;
  /** API handlers by route name (dashboard only). */
  apiFunctions: Record<string, lambda.IFunction>;
  /** The workflow's task functions and the yearly start, by name (dashboard and one alarm each). */
  taskFunctions: Record<string, lambda.IFunction>;
  /** The ledger stream's consumer and its dead-letter queue (an alarm each, and a dashboard widget). */
  follower: { function: lambda.IFunction; deadLetters: sqs.IQueue };
  /** Setting alarmEmail: subscribed to the alarms (confirmed by a link in the first mail). */
  alarmEmail: string;
  /** The yearly schedule's dead-letter queue (an alarm). */
  scheduleDeadLetters: sqs.IQueue;
}

const FIVE_MINUTES = Duration.minutes(5);

/**
 * One dashboard for the operator (API, functions, the yearly workflow) and the alarms that
 * matter: a failed yearly execution, API 5xx, a task Lambda error, a ledger-follower error or
 * a batch it gave up on (dead letter), a yearly start the schedule gave up on (dead letter).
 * Alarms go to an SNS topic, to which the setting `alarmEmail` subscribes the operator.
 */
export class Observability extends Construct {
  readonly dashboard: cloudwatch.Dashboard;
  readonly alarmTopic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const { httpApi, stateMachine } = props;

    this.alarmTopic = new sns.Topic(this, 'Alarms', {
      displayName: 'Omfördelning: larm',
      enforceSSL: true,
    });
    Validations.of(this.alarmTopic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason: 'Alarm notices carry no personal data; CloudWatch cannot publish to the AWS-managed SNS key and a CMK is not warranted.',
    });
    this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    const notify = new actions.SnsAction(this.alarmTopic);
    const alarm = (id: string, props: cloudwatch.AlarmProps) => {
      const created = new cloudwatch.Alarm(this, id, {
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        ...props,
      });
      created.addAlarmAction(notify);
      this.alarms.push(created);
      return created;
    };

    // ---- Metrics ------------------------------------------------------------------------
    const sum = { period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM };
    const api4xx = httpApi.metricClientError({ ...sum, label: '4xx' });
    const api5xx = httpApi.metricServerError({ ...sum, label: '5xx' });
    const apiCount = httpApi.metricCount({ ...sum, label: 'Requests' });
    const latency = (stat: string) => httpApi.metricLatency({ period: FIVE_MINUTES, statistic: stat, label: stat });
    const executions = {
      started: stateMachine.metricStarted({ ...sum, label: 'Started' }),
      succeeded: stateMachine.metricSucceeded({ ...sum, label: 'Succeeded' }),
      failed: stateMachine.metricFailed({ ...sum, label: 'Failed' }),
      timedOut: stateMachine.metricTimedOut({ ...sum, label: 'Timed out' }),
      aborted: stateMachine.metricAborted({ ...sum, label: 'Aborted' }),
    };
    const errorsOf = (fns: Record<string, lambda.IFunction>) =>
      Object.entries(fns).map(([name, fn]) => fn.metricErrors({ ...sum, label: name }));

    // ---- Alarms -------------------------------------------------------------------------
    alarm('WorkflowFailed', {
      alarmDescription:
        "A yearly workflow execution (cycle-<year>) failed or timed out. Open it in the Step Functions console; 'Record the failure' holds the error.",
      metric: new cloudwatch.MathExpression({
        expression: 'failed + timedOut',
        usingMetrics: { failed: executions.failed, timedOut: executions.timedOut },
        period: FIVE_MINUTES,
        label: 'Failed or timed out executions',
      }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
    });
    alarm('Api5xx', {
      alarmDescription: 'The API answered 5xx in the last 5 minutes: a handler failed or timed out.',
      metric: api5xx,
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
    });
    for (const [name, fn] of Object.entries(props.taskFunctions)) {
      alarm(`${pascalCase(name)}Errors`, {
        alarmDescription: `Task Lambda ${name} failed (the workflow retries; a failed execution alarms separately).`,
        metric: fn.metricErrors(sum),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
      });
    }

    const { follower } = props;
    alarm('FollowerErrors', {
      alarmDescription:
        'The ledger follower (views and e-mail notices) failed on a batch of ledger events; the stream retries it.',
      metric: follower.function.metricErrors(sum),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
    });
    alarm('FollowerDeadLetters', {
      alarmDescription:
        'The ledger follower gave up on ledger events (retries or record age exhausted): their views or notices are missing. The dead-letter queue holds the stream coordinates.',
      metric: follower.deadLetters.metricApproximateNumberOfMessagesVisible({
        period: FIVE_MINUTES,
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
    });

    alarm('ScheduleDeadLetters', {
      alarmDescription:
        "The yearly schedule gave up on starting the next share year (retries or a day's age exhausted): start it with POST /v1/years/{year}/cycle. The dead-letter queue holds the failed invocation.",
      metric: props.scheduleDeadLetters.metricApproximateNumberOfMessagesVisible({
        period: FIVE_MINUTES,
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
    });

    // ---- Dashboard ----------------------------------------------------------------------
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `${Stack.of(this).stackName}-omfordelning`,
      defaultInterval: Duration.days(7),
    });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'API requests and errors', left: [apiCount], right: [api4xx, api5xx], width: 8 }),
      new cloudwatch.GraphWidget({ title: 'API latency (ms)', left: ['p50', 'p90', 'p99'].map(latency), width: 8 }),
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 8 }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Yearly workflow executions',
        left: [executions.started, executions.succeeded, executions.failed, executions.timedOut, executions.aborted],
        width: 8,
      }),
      new cloudwatch.GraphWidget({ title: 'Workflow task Lambda errors', left: errorsOf(props.taskFunctions), width: 8 }),
      new cloudwatch.GraphWidget({ title: 'API Lambda errors', left: errorsOf(props.apiFunctions), width: 8 }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Ledger follower (views and notices)',
        left: [
          follower.function.metricInvocations({ ...sum, label: 'Invocations' }),
          follower.function.metricErrors({ ...sum, label: 'Errors' }),
        ],
        right: [
          follower.function.metric('IteratorAge', {
            period: FIVE_MINUTES,
            statistic: cloudwatch.Stats.MAXIMUM,
            label: 'Iterator age, max (ms)',
          }),
        ],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Ledger follower dead letters',
        left: [
          follower.deadLetters.metricApproximateNumberOfMessagesVisible({
            period: FIVE_MINUTES,
            statistic: cloudwatch.Stats.MAXIMUM,
            label: 'Visible messages',
          }),
        ],
        width: 12,
      }),
    );
  }
}

function pascalCase(name: string): string {
  return name.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
}
