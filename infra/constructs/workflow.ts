import { type CfnResource, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { MAX_WAIT_ENV, MAX_WAIT_SECONDS, STATES, TASKS, type TaskName } from '../../shared/workflow/contract';
import { DomainFunction, entryOf, missingEntries } from './function';
import type { Notifications } from './notifications';

/** The Lambdas of the machine's Task states (cycle-start-next is the schedule's, see schedule.ts). */
export type WorkflowTaskName = Exclude<TaskName, typeof TASKS.startNext>;
export const WORKFLOW_TASKS: readonly WorkflowTaskName[] = Object.values(TASKS).filter(
  (name): name is WorkflowTaskName => name !== TASKS.startNext,
);

/** Acts that e-mail someone (notices, reminders, reports, failure alerts) or resume a waiting county. */
const SENDS_MAIL: ReadonlySet<TaskName> = new Set<TaskName>([
  TASKS.publish,
  TASKS.remind,
  TASKS.tellDeadlineMoved,
  TASKS.close,
  TASKS.warnCounty,
  TASKS.autoSubmit,
  TASKS.sendReports,
  TASKS.finalize,
  TASKS.recordFailure,
  TASKS.awaitReport,
]);

/** Acts that e-mail all 290 municipalities at once. */
const MAILS_EVERY_MUNICIPALITY: ReadonlySet<TaskName> = new Set<TaskName>([TASKS.publish, TASKS.tellDeadlineMoved, TASKS.finalize]);

/** Retry on any task error except a timeout (acts are idempotent): 2, 4, 8, 16 s. */
const RETRY: sfn.RetryProps = {
  errors: [sfn.Errors.TASKS_FAILED],
  interval: Duration.seconds(2),
  backoffRate: 2,
  maxAttempts: 4,
};

export interface YearlyWorkflowProps {
  table: dynamodb.TableV2;
  notifications: Notifications;
}

/** The API handlers that drive or read the workflow. */
export interface WorkflowApiFunctions {
  'start-cycle': NodejsFunction;
  'get-cycle': NodejsFunction;
  'submit-report': NodejsFunction;
}

/**
 * The yearly workflow (docs/workflow.md "The state machine"): one Standard execution per share year, named
 * `cycle-<year>`, shaped exactly as the header of shared/workflow/contract.ts says, with
 * one Lambda per entry of TASKS. Logs every event without its data and traces with X-Ray.
 */
export class YearlyWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly logGroup: logs.LogGroup;
  /** Task Lambda of each Task state (every TASKS entry but cycle-start-next). */
  readonly functions: Record<WorkflowTaskName, NodejsFunction>;

  constructor(scope: Construct, id: string, props: YearlyWorkflowProps) {
    super(scope, id);
    const { table, notifications } = props;

    const names = WORKFLOW_TASKS;
    const missing = missingEntries(names);
    if (missing.length > 0) {
      throw new Error(`Missing workflow task handlers: ${missing.map(entryOf).join(', ')}`);
    }

    const functions: Partial<Record<WorkflowTaskName, NodejsFunction>> = {};
    for (const name of names) {
      const fn = new DomainFunction(this, pascalCase(name), {
        name,
        description: `Yearly workflow task ${name}`,
        timeout: MAILS_EVERY_MUNICIPALITY.has(name) ? Duration.minutes(5) : Duration.seconds(60),
        memorySize: 512,
        environment: {
          TABLE_NAME: table.tableName,
          MAIL_FROM: notifications.mailFrom,
          ...(name === TASKS.check && { [MAX_WAIT_ENV]: String(MAX_WAIT_SECONDS) }),
        },
      }).handler;
      table.grantReadWriteData(fn);
      if (SENDS_MAIL.has(name)) notifications.connectSender(fn);
      functions[name] = fn;
    }
    this.functions = functions as Record<WorkflowTaskName, NodejsFunction>;
    const fnOf = (name: WorkflowTaskName) => this.functions[name];
    acknowledgeTableIndexes(this, table);

    // ---- States -------------------------------------------------------------------------
    const yearFailed = new sfn.Fail(this, 'YearFailed', {
      stateName: STATES.failed,
      error: 'YearFailed',
      cause: "A step failed after its retries; its error is in the input of 'Record the failure' and in the year's workflow status.",
    });
    const recordFailure = this.task('RecordFailure', STATES.recordFailure, fnOf(TASKS.recordFailure), {
      payload: sfn.TaskInput.fromObject({ year: sfn.JsonPath.numberAt('$.year'), error: sfn.JsonPath.objectAt('$.error') }),
      resultPath: sfn.JsonPath.DISCARD,
    });
    // If even recording fails, still end in the visible failure state.
    recordFailure.addCatch(yearFailed, { errors: [sfn.Errors.ALL], resultPath: '$.recordError' });
    recordFailure.next(yearFailed);

    /** Top-level tasks: Retry (in this.task) and Catch → Record the failure. */
    const guarded = <T extends sfn.TaskStateBase>(task: T): T => {
      task.addCatch(recordFailure, { errors: [sfn.Errors.ALL], resultPath: '$.error' });
      return task;
    };
    const year = { year: sfn.JsonPath.numberAt('$.year') };
    const act = (id: string, stateName: string, fn: WorkflowTaskName, resultPath: string) =>
      guarded(
        this.task(id, stateName, fnOf(fn), {
          payload: sfn.TaskInput.fromObject({ ...year, milestone: sfn.JsonPath.objectAt('$.next.milestone') }),
          resultPath,
        }),
      );

    const plan = guarded(
      this.task('Plan', STATES.plan, fnOf(TASKS.plan), {
        payload: sfn.TaskInput.fromObject({ ...year, executionId: sfn.JsonPath.executionId }),
        resultPath: sfn.JsonPath.DISCARD,
      }),
    );
    const check = guarded(
      this.task('Check', STATES.check, fnOf(TASKS.check), {
        payload: sfn.TaskInput.fromObject(year),
        resultPath: '$.next',
      }),
    );
    const wait = new sfn.Wait(this, 'WaitForMilestone', {
      stateName: STATES.wait,
      time: sfn.WaitTime.timestampPath('$.next.waitUntil'),
    });
    const complete = new sfn.Succeed(this, 'YearComplete', { stateName: STATES.complete });

    const publish = act('Publish', STATES.publish, TASKS.publish, sfn.JsonPath.DISCARD);
    const remind = act('Remind', STATES.remind, TASKS.remind, sfn.JsonPath.DISCARD);
    const tellDeadlineMoved = act('TellDeadlineMoved', STATES.tellDeadlineMoved, TASKS.tellDeadlineMoved, sfn.JsonPath.DISCARD);
    const close = act('Close', STATES.close, TASKS.close, sfn.JsonPath.DISCARD);
    const prepareReview = act('PrepareReview', STATES.prepareReview, TASKS.prepareReview, '$.review');
    const sendReports = act('SendReports', STATES.sendReports, TASKS.sendReports, sfn.JsonPath.DISCARD);
    const finalize = act('Finalize', STATES.finalize, TASKS.finalize, sfn.JsonPath.DISCARD);

    // ---- One county (a Map iteration; its state data is a CountyItem) ---------------------
    const item = {
      year: sfn.JsonPath.numberAt('$.year'),
      county: sfn.JsonPath.stringAt('$.county'),
      hasProposals: sfn.JsonPath.stringAt('$.hasProposals'),
      next: sfn.JsonPath.stringAt('$.next'),
      timeoutSeconds: sfn.JsonPath.numberAt('$.timeoutSeconds'),
    };
    const closeQuiet = this.task('ReportQuietCounty', STATES.closeQuiet, fnOf(TASKS.closeQuiet), {
      payload: sfn.TaskInput.fromObject(item),
      resultPath: sfn.JsonPath.DISCARD,
    });
    const awaitReport = new tasks.LambdaInvoke(this, 'AwaitReport', {
      stateName: STATES.awaitReport,
      lambdaFunction: fnOf(TASKS.awaitReport),
      integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: sfn.TaskInput.fromObject({ ...item, taskToken: sfn.JsonPath.taskToken }),
      // Until the county's next date (its warning, then the report date); the county's SendTaskSuccess ends it earlier.
      taskTimeout: sfn.Timeout.at('$.timeoutSeconds'),
      resultPath: sfn.JsonPath.DISCARD,
      retryOnServiceExceptions: false,
    });
    // Retry failures of the invocation only: States.TaskFailed does not match States.Timeout.
    awaitReport.addRetry(RETRY);
    const autoSubmit = this.task('AutoSubmit', STATES.autoSubmit, fnOf(TASKS.autoSubmit), {
      payload: sfn.TaskInput.fromObject(item),
      // The county item comes back (with status) and replaces the iteration's data: the
      // contract's "ResultPath $", left implicit (the default) because aws-local-stepfunctions
      // 3.0 writes an explicit "$" into a key named "$" instead of replacing the data.
      resultPath: undefined,
    });
    // The county warning: the county item comes back waiting until the report date (ResultPath $, as above).
    const warnCounty = this.task('WarnCounty', STATES.warnCounty, fnOf(TASKS.warnCounty), {
      payload: sfn.TaskInput.fromObject(item),
      resultPath: undefined,
    });
    warnCounty.next(awaitReport);
    const countyDate = new sfn.Choice(this, 'CountyDate', { stateName: STATES.countyDate })
      .when(sfn.Condition.stringEquals('$.next', 'countyWarning'), warnCounty)
      .otherwise(autoSubmit);
    awaitReport.addCatch(countyDate, { errors: [sfn.Errors.TIMEOUT], resultPath: '$.timeout' });
    // A Choice cannot end a Map iteration: this is where a county's review ends.
    const submitted = new sfn.Succeed(this, 'ReportSubmitted', { stateName: STATES.reported });
    const moved = new sfn.Choice(this, 'ReportDateMoved', { stateName: STATES.moved })
      .when(sfn.Condition.stringEquals('$.status', 'WAIT_AGAIN'), awaitReport)
      .otherwise(submitted);
    autoSubmit.next(moved);
    const hasProposals = new sfn.Choice(this, 'HasProposals', { stateName: STATES.hasProposals })
      .when(sfn.Condition.booleanEquals('$.hasProposals', true), awaitReport)
      .otherwise(closeQuiet);

    const review = new sfn.Map(this, 'ReviewCounties', {
      stateName: STATES.review,
      itemsPath: '$.review.counties',
      // 0: every county at once (21 items); each mostly waits for its token.
      maxConcurrency: 0,
      resultPath: sfn.JsonPath.DISCARD,
    }).itemProcessor(hasProposals);
    // Tasks inside the Map retry on their own; what still fails ends the Map here.
    review.addCatch(recordFailure, { errors: [sfn.Errors.ALL], resultPath: '$.error' });

    // ---- The year -----------------------------------------------------------------------
    const which = new sfn.Choice(this, 'WhichMilestone', { stateName: STATES.which })
      .when(milestoneIs('publish'), publish.next(check))
      .when(milestoneIs('reminder'), remind.next(check))
      .when(milestoneIs('deadlineMoved'), tellDeadlineMoved.next(check))
      .when(milestoneIs('deadline'), close.next(check))
      .when(milestoneIs('countyReports'), prepareReview.next(review).next(sendReports).next(check))
      .when(milestoneIs('finalize'), finalize.next(check));
    // No default on either Choice: a status or kind outside the contract fails the
    // execution with States.NoChoiceMatched (alarmed) rather than acting on a guess.
    const due = new sfn.Choice(this, 'MilestoneDue', { stateName: STATES.due })
      .when(sfn.Condition.stringEquals('$.next.status', 'DONE'), complete)
      .when(sfn.Condition.stringEquals('$.next.status', 'WAIT'), wait.next(check))
      .when(sfn.Condition.stringEquals('$.next.status', 'DUE'), which);

    const definition = plan.next(check).next(due);

    // ---- The machine --------------------------------------------------------------------
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      // The vendedlogs prefix keeps the account's CloudWatch Logs resource policy small.
      logGroupName: `/aws/vendedlogs/states/${Stack.of(this).stackName}-yearly-workflow`,
      // An execution lasts ~5 months; keep its history for the whole cycle and after.
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineType: sfn.StateMachineType.STANDARD,
      comment: 'Omfördelning: one execution per share year (cycle-<year>), following the calendar.',
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      // Every event, without its data: inputs and outputs hold task tokens (which resume a
      // county's wait); the year's record and the tasks' own log lines say what happened.
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
      tracingEnabled: true,
    });

    // await-report may resume its own wait (a report submitted before the wait began). A
    // separate policy, not the role's default one: the function resource depends on its
    // role's default policy and the machine depends on the function, so a grant there
    // would be a dependency cycle.
    new iam.Policy(this, 'AwaitReportResumes', {
      roles: [fnOf(TASKS.awaitReport).role!],
      statements: [
        new iam.PolicyStatement({
          actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'],
          resources: [this.stateMachine.stateMachineArn],
        }),
      ],
    });

    const stack = Stack.of(this);
    Validations.of(this.stateMachine).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'CloudWatch Logs delivery (logs:*LogDelivery, PutResourcePolicy) and X-Ray segment APIs accept only Resource *.',
      },
      // lambda:InvokeFunction on <fn>:* (versions and aliases of the machine's own task functions), added by LambdaInvoke.
      ...Object.values(this.functions).map((fn) => ({
        id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(fn.node.defaultChild as CfnResource)}.Arn>:*]`,
        reason: 'Qualified ARNs (versions, aliases) of one task function of this machine; LambdaInvoke grants them.',
      })),
    );
  }

  /**
   * Lets the API drive the workflow: start-cycle starts `cycle-<year>` and reads it back,
   * get-cycle reads executions, submit-report resumes the county's wait with its token.
   * Each gets STATE_MACHINE_ARN.
   */
  connectApi(functions: WorkflowApiFunctions): void {
    const sm = this.stateMachine;
    for (const fn of Object.values(functions)) fn.addEnvironment('STATE_MACHINE_ARN', sm.stateMachineArn);
    sm.grantStartExecution(functions['start-cycle']);
    sm.grantExecution(functions['start-cycle'], 'states:DescribeExecution');
    sm.grantExecution(functions['get-cycle'], 'states:DescribeExecution');
    grantTaskResponse(sm, functions['submit-report']);
    acknowledgeExecutionWildcard(sm, [functions['start-cycle'], functions['get-cycle']]);
  }

  /** A Lambda task whose Resource is the function ARN and whose Parameters are the payload. */
  private task(id: string, stateName: string, fn: lambda.IFunction, props: { payload: sfn.TaskInput; resultPath: string | undefined }) {
    const task = new tasks.LambdaInvoke(this, id, {
      stateName,
      lambdaFunction: fn,
      payload: props.payload,
      payloadResponseOnly: true,
      resultPath: props.resultPath,
      // One retrier, the contract's (States.TaskFailed covers the Lambda service errors too).
      retryOnServiceExceptions: false,
    });
    task.addRetry(RETRY);
    return task;
  }
}

/** SendTaskSuccess/SendTaskFailure for a county's waiting task (not SendTaskHeartbeat: the wait has none). */
function grantTaskResponse(sm: sfn.IStateMachine, grantee: iam.IGrantable): iam.Grant {
  return iam.Grant.addToPrincipal({
    grantee,
    actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'],
    resourceArns: [sm.stateMachineArn],
  });
}

/** cdk-nag: `execution:<machine>:*` names this machine's executions (cycle-<year>), nothing else. */
export function acknowledgeExecutionWildcard(sm: sfn.StateMachine, functions: lambda.IFunction[]): void {
  const smId = Stack.of(sm).getLogicalId(sm.node.defaultChild as CfnResource);
  for (const fn of functions) {
    // On the role: its default policy holds the grant.
    Validations.of(fn.role ?? fn).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${smId}"}]}]}:*]`,
      reason: "Executions (cycle-<year>) of the yearly state machine only; their names are not known in advance.",
    });
  }
}

/** cdk-nag: grantReadWriteData also covers the table's own indexes (byYear), named by a wildcard (as in api.ts). */
export function acknowledgeTableIndexes(scope: Construct, table: dynamodb.TableV2): void {
  const tableId = Stack.of(scope).getLogicalId(table.node.defaultChild as CfnResource);
  Validations.of(scope).acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${tableId}.Arn>/index/*]`,
    reason: "Wildcard is limited to the ledger table's own secondary indexes, which queries need.",
  });
}

function milestoneIs(kind: string): sfn.Condition {
  return sfn.Condition.stringEquals('$.next.milestone.kind', kind);
}

function pascalCase(name: string): string {
  return name.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
}
