import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allStates, resolvedDefinition, stateMachineLogicalId, taskEntries } from '../../local/emulators/cloudformation/state-machine';
import { buildApp, STACK_NAME } from '../../infra/build';
import { entryOf, REPO_ROOT } from '../../infra/constructs/function';
import { ENTRY_METADATA_KEY } from '../../infra/metadata';
import { FOLLOWER_FUNCTION } from '../../infra/constructs/ledger-follower';
import { START_NEXT_FUNCTION } from '../../infra/constructs/schedule';
import { SWEEP_FUNCTION } from '../../infra/constructs/notice-sweep';
import { WORKFLOW_TASKS } from '../../infra/constructs/workflow';
import { inProcessContext, synthesizeTemplate } from '../../infra/synth';
import { maxWaitSeconds } from '../../shared/app/cycle-acts/check';
import { MAX_WAIT_ENV, MAX_WAIT_SECONDS, STATES, TASKS } from '../../shared/workflow/contract';

// asl-validator is CommonJS (`module.exports = validator`) and ships no typings.
type AslValidator = (
  definition: unknown,
  options?: { checkPaths?: boolean; checkArn?: boolean },
) => { isValid: boolean; errors: { message?: string; path?: string }[]; errorsText: (separator?: string) => string };
const aslValidator = createRequire(import.meta.url)('asl-validator') as AslValidator;

const raw = synthesizeTemplate();
const resources: Record<string, any> = raw.Resources;
const SM_ID = stateMachineLogicalId(raw);
const arnOf = (logicalId: string) => `arn:aws:lambda:eu-north-1:123456789012:function:${logicalId}`;
const asl = resolvedDefinition(raw, arnOf);
const states = Object.fromEntries(allStates(asl));
const topLevel: Record<string, any> = asl.States;
const map = topLevel[STATES.review];
const inMap: Record<string, any> = map.ItemProcessor.States;

function ofType(type: string): [string, any][] {
  return Object.entries(resources).filter(([, r]) => r.Type === type);
}

/** Logical id of the Lambda whose handler is functions/<name>/index.ts. */
function functionId(name: string): string {
  const found = ofType('AWS::Lambda::Function').filter(([, r]) => r.Metadata?.[ENTRY_METADATA_KEY] === entryOf(name));
  expect(found, name).toHaveLength(1);
  return found[0]![0];
}

function statementsOf(fnId: string): any[] {
  const roleId: string = resources[fnId].Properties.Role['Fn::GetAtt'][0];
  return ofType('AWS::IAM::Policy')
    .filter(([, p]) => p.Properties.Roles.some((r: any) => r.Ref === roleId))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
}

function actionsOf(fnId: string): string[] {
  return statementsOf(fnId).flatMap((s) => [s.Action].flat());
}

function taskStates(): [string, any][] {
  return allStates(asl).filter(([, s]) => s.Type === 'Task');
}

describe('Yearly state machine', () => {
  it('is one Standard machine that logs every event without execution data (no task tokens in logs) and traces', () => {
    const machines = ofType('AWS::StepFunctions::StateMachine');
    expect(machines).toHaveLength(1);
    const [, sm] = machines[0]!;
    expect(sm.Properties.StateMachineType).toBe('STANDARD');
    expect(sm.Properties.TracingConfiguration).toEqual({ Enabled: true });
    expect(sm.Properties.LoggingConfiguration).toMatchObject({ Level: 'ALL', IncludeExecutionData: false });
    const logGroupId = sm.Properties.LoggingConfiguration.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn['Fn::GetAtt'][0];
    expect(resources[logGroupId].Type).toBe('AWS::Logs::LogGroup');
    expect(resources[logGroupId].Properties.LogGroupName).toMatch(/^\/aws\/vendedlogs\/states\//);
  });

  it('resolves to plain ASL that asl-validator accepts', () => {
    expect(JSON.stringify(asl)).not.toMatch(/Fn::|"Ref"/);
    // The validator writes QueryLanguage into the states it checks: give it a copy.
    const { isValid, errorsText } = aslValidator(structuredClone(asl));
    expect(errorsText('\n')).toBe('');
    expect(isValid).toBe(true);
  });

  it('uses every state name of the contract and no other', () => {
    for (const name of Object.values(STATES)) expect(Object.keys(states), name).toContain(name);
    const extra = Object.keys(states).filter((name) => !(Object.values(STATES) as string[]).includes(name));
    expect(extra).toEqual([]);
    expect(inMap[STATES.reported].Type).toBe('Succeed');
  });

  it('plans, checks and waits until the milestone (UTC timestamp from the data)', () => {
    expect(asl.StartAt).toBe(STATES.plan);
    expect(topLevel[STATES.plan]).toMatchObject({
      Parameters: { 'year.$': '$.year', 'executionId.$': '$$.Execution.Id' },
      ResultPath: null,
      Next: STATES.check,
    });
    expect(topLevel[STATES.check]).toMatchObject({ Parameters: { 'year.$': '$.year' }, ResultPath: '$.next', Next: STATES.due });
    expect(topLevel[STATES.wait]).toEqual({ Type: 'Wait', TimestampPath: '$.next.waitUntil', Next: STATES.check });
    const due = topLevel[STATES.due];
    expect(due.Choices).toEqual([
      { Variable: '$.next.status', StringEquals: 'DONE', Next: STATES.complete },
      { Variable: '$.next.status', StringEquals: 'WAIT', Next: STATES.wait },
      { Variable: '$.next.status', StringEquals: 'DUE', Next: STATES.which },
    ]);
    expect(topLevel[STATES.complete].Type).toBe('Succeed');
  });

  it('acts on each kind of milestone with { year, milestone } and checks again', () => {
    const which = topLevel[STATES.which];
    const target = Object.fromEntries(which.Choices.map((c: any) => [c.StringEquals, c.Next]));
    expect(which.Choices.every((c: any) => c.Variable === '$.next.milestone.kind')).toBe(true);
    expect(target).toEqual({
      publish: STATES.publish,
      reminder: STATES.remind,
      deadlineMoved: STATES.tellDeadlineMoved,
      deadline: STATES.close,
      countyReports: STATES.prepareReview,
      finalize: STATES.finalize,
    });
    // The county warning is acted on inside the review, never by this Choice.
    expect(Object.keys(target)).not.toContain('countyWarning');
    for (const act of [STATES.publish, STATES.remind, STATES.tellDeadlineMoved, STATES.close, STATES.sendReports, STATES.finalize]) {
      expect(topLevel[act], act).toMatchObject({
        Parameters: { 'year.$': '$.year', 'milestone.$': '$.next.milestone' },
        ResultPath: null,
        Next: STATES.check,
      });
    }
    expect(topLevel[STATES.prepareReview]).toMatchObject({ ResultPath: '$.review', Next: STATES.review });
    expect(map.Next).toBe(STATES.sendReports);
  });

  it('reviews every county at once, discarding the Map result', () => {
    expect(map).toMatchObject({ Type: 'Map', ItemsPath: '$.review.counties', ResultPath: null });
    expect(map.MaxConcurrency ?? 0).toBe(0);
    expect(map.ItemProcessor.StartAt).toBe(STATES.hasProposals);
    expect(inMap[STATES.hasProposals]).toMatchObject({
      Choices: [{ Variable: '$.hasProposals', BooleanEquals: true, Next: STATES.awaitReport }],
      Default: STATES.closeQuiet,
    });
    expect(inMap[STATES.closeQuiet]).toMatchObject({ End: true, ResultPath: null });
  });

  it('waits for the county report by task token until the warning, warns, waits until the report date, then submits automatically', () => {
    const wait = inMap[STATES.awaitReport];
    expect(wait.Resource).toBe('arn:aws:states:::lambda:invoke.waitForTaskToken');
    expect(wait.TimeoutSecondsPath).toBe('$.timeoutSeconds');
    expect(wait.TimeoutSeconds).toBeUndefined();
    expect(wait.Parameters.FunctionName).toBe(arnOf(functionId(TASKS.awaitReport)));
    expect(wait.Parameters.Payload).toMatchObject({
      'year.$': '$.year',
      'county.$': '$.county',
      'hasProposals.$': '$.hasProposals',
      'next.$': '$.next',
      'timeoutSeconds.$': '$.timeoutSeconds',
      'taskToken.$': '$$.Task.Token',
    });
    expect(wait).toMatchObject({ ResultPath: null, End: true });
    expect(wait.Catch).toEqual([{ ErrorEquals: ['States.Timeout'], ResultPath: '$.timeout', Next: STATES.countyDate }]);
    // The timeout ends the wait for the warning, or for the report date.
    expect(inMap[STATES.countyDate]).toMatchObject({
      Type: 'Choice',
      Choices: [{ Variable: '$.next', StringEquals: 'countyWarning', Next: STATES.warnCounty }],
      Default: STATES.autoSubmit,
    });
    expect(inMap[STATES.warnCounty]).toMatchObject({ Type: 'Task', Next: STATES.awaitReport });
    expect(inMap[STATES.warnCounty].ResultPath ?? '$').toBe('$');
    expect(inMap[STATES.warnCounty].Parameters).toEqual({
      'year.$': '$.year',
      'county.$': '$.county',
      'hasProposals.$': '$.hasProposals',
      'next.$': '$.next',
      'timeoutSeconds.$': '$.timeoutSeconds',
    });
    // The timeout goes to the catcher, never to a retrier.
    for (const retry of wait.Retry) expect(retry.ErrorEquals).not.toEqual(expect.arrayContaining(['States.Timeout']));
    expect(wait.Retry.flatMap((r: any) => r.ErrorEquals)).not.toContain('States.ALL');

    // The result replaces the iteration's data ("ResultPath $", the default, left implicit for the local runner).
    expect(inMap[STATES.autoSubmit]).toMatchObject({ Next: STATES.moved });
    expect(inMap[STATES.autoSubmit].ResultPath ?? '$').toBe('$');
    expect(inMap[STATES.moved]).toMatchObject({
      Choices: [{ Variable: '$.status', StringEquals: 'WAIT_AGAIN', Next: STATES.awaitReport }],
      Default: STATES.reported,
    });
  });

  it('retries every task on States.TaskFailed with backoff (2 s, ×2, 4 attempts)', () => {
    expect(taskStates().length).toBe(WORKFLOW_TASKS.length);
    for (const [name, state] of taskStates()) {
      expect(state.Retry, name).toEqual([
        { ErrorEquals: ['States.TaskFailed'], IntervalSeconds: 2, BackoffRate: 2, MaxAttempts: 4 },
      ]);
    }
  });

  it('catches every failure into Record the failure, then fails the year visibly', () => {
    const toRecord = { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: STATES.recordFailure };
    for (const [name, state] of Object.entries(topLevel)) {
      if (state.Type !== 'Task' || name === STATES.recordFailure) continue;
      expect(state.Catch, name).toEqual([toRecord]);
    }
    // Tasks inside the Map have no catch-all of their own: the Map's catch records their failure.
    expect(map.Catch).toEqual([toRecord]);
    for (const [name, state] of Object.entries(inMap)) {
      if (state.Type !== 'Task') continue;
      expect((state.Catch ?? []).flatMap((c: any) => c.ErrorEquals), name).not.toContain('States.ALL');
    }
    expect(topLevel[STATES.recordFailure]).toMatchObject({
      Parameters: { 'year.$': '$.year', 'error.$': '$.error' },
      ResultPath: null,
      Next: STATES.failed,
      Catch: [{ ErrorEquals: ['States.ALL'], Next: STATES.failed }],
    });
    expect(topLevel[STATES.failed].Type).toBe('Fail');
  });

  it('invokes plain function ARNs with the payload as Parameters (all but the token wait)', () => {
    for (const [name, state] of taskStates()) {
      if (name === STATES.awaitReport) continue;
      expect(state.Resource, name).toMatch(/^arn:aws:lambda:eu-north-1:123456789012:function:/);
      expect(state.Parameters?.FunctionName, name).toBeUndefined();
    }
  });

  it('maps every Task state to its handler in functions/<task>/index.ts', () => {
    const entries = taskEntries(raw);
    const expected = Object.fromEntries(
      Object.entries(TASKS)
        .filter(([, task]) => task !== TASKS.startNext)
        .map(([key, task]) => [STATES[key as keyof typeof STATES], entryOf(task)]),
    );
    expect(entries).toEqual(expected);
    for (const entry of Object.values(entries)) expect(existsSync(join(REPO_ROOT, entry)), entry).toBe(true);
  });

  it('exports the state machine ARN', () => {
    expect(raw.Outputs.StateMachineArn.Value).toEqual({ Ref: SM_ID });
  });
});

describe('Task functions', () => {
  const MAILERS = [
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
  ] as string[];

  it.each(WORKFLOW_TASKS.map((t) => [t]))('%s: timeout, memory, environment, table and mail access', (task) => {
    const id = functionId(task);
    const props = resources[id].Properties;
    expect(props.Timeout).toBe(([TASKS.publish, TASKS.tellDeadlineMoved, TASKS.finalize] as string[]).includes(task) ? 300 : 60);
    expect(props.MemorySize).toBe(512);
    expect(props.Environment.Variables).toMatchObject({ TABLE_NAME: { Ref: expect.any(String) }, MAIL_FROM: expect.stringContaining('@') });
    expect(props.Environment.Variables[MAX_WAIT_ENV]).toBe(task === TASKS.check ? String(MAX_WAIT_SECONDS) : undefined);
    const actions = actionsOf(id);
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query']));
    expect(actions.includes('ses:SendEmail'), 'sends mail').toBe(MAILERS.includes(task));
    expect(actions.includes('states:SendTaskSuccess'), 'resumes a task').toBe(task === TASKS.awaitReport);
  });

  it('checks the calendar at least every few hours, within the execution-history quota for a whole year', () => {
    // 9 history events per Wait → Check → Choice round; a Standard execution may have 25 000 and run a year.
    const roundsPerYear = (365 * 24 * 3600) / MAX_WAIT_SECONDS;
    expect(roundsPerYear * 9).toBeLessThan(22_000);
    expect(MAX_WAIT_SECONDS).toBeLessThanOrEqual(4 * 3600);
    // …and the check step reads the variable the template sets.
    expect(maxWaitSeconds({ [MAX_WAIT_ENV]: String(MAX_WAIT_SECONDS) })).toBe(MAX_WAIT_SECONDS);
  });

  it('lets await-report resume only this machine', () => {
    const statement = statementsOf(functionId(TASKS.awaitReport)).find((s) => [s.Action].flat().includes('states:SendTaskSuccess'));
    expect(statement.Resource).toEqual({ Ref: SM_ID });
  });

  it('are invoked by the state machine role only on its own task functions', () => {
    const roleId: string = resources[SM_ID].Properties.RoleArn['Fn::GetAtt'][0];
    const invoked = ofType('AWS::IAM::Policy')
      .filter(([, p]) => p.Properties.Roles.some((r: any) => r.Ref === roleId))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement)
      .filter((s: any) => [s.Action].flat().includes('lambda:InvokeFunction'))
      .flatMap((s: any) => s.Resource)
      .map((r: any) => r['Fn::GetAtt']?.[0] ?? r['Fn::Join'][1][0]['Fn::GetAtt'][0]);
    expect(new Set(invoked)).toEqual(new Set(WORKFLOW_TASKS.map(functionId)));
  });
});

describe('API functions that drive the workflow', () => {
  const executions = {
    'Fn::Join': [
      '',
      [
        'arn:',
        { Ref: 'AWS::Partition' },
        ':states:',
        { Ref: 'AWS::Region' },
        ':',
        { Ref: 'AWS::AccountId' },
        ':execution:',
        { 'Fn::Select': [6, { 'Fn::Split': [':', { Ref: SM_ID }] }] },
        ':*',
      ],
    ],
  };
  const grants = (name: string) =>
    statementsOf(functionId(name)).filter((s) => [s.Action].flat().some((a: string) => a.startsWith('states:')));

  it.each([['start-cycle'], ['get-cycle'], ['submit-report']])('%s gets STATE_MACHINE_ARN', (name) => {
    expect(resources[functionId(name)].Properties.Environment.Variables.STATE_MACHINE_ARN).toEqual({ Ref: SM_ID });
  });

  it('start-cycle starts executions and reads them back', () => {
    expect(grants('start-cycle')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Action: 'states:StartExecution', Resource: { Ref: SM_ID } }),
        expect.objectContaining({ Action: 'states:DescribeExecution', Resource: executions }),
      ]),
    );
  });

  it('get-cycle only reads executions', () => {
    expect(grants('get-cycle')).toEqual([expect.objectContaining({ Action: 'states:DescribeExecution', Resource: executions })]);
  });

  it('submit-report resumes the county wait', () => {
    expect(grants('submit-report')).toEqual([
      expect.objectContaining({ Action: ['states:SendTaskFailure', 'states:SendTaskSuccess'], Resource: { Ref: SM_ID } }),
    ]);
  });
});

describe('Yearly schedule', () => {
  // The yearly one (the notice sweep's daily schedule is asserted in notice-sweep.test.ts).
  const schedules = ofType('AWS::Scheduler::Schedule').filter(([, s]) => s.Properties.Target.Arn['Fn::GetAtt']?.[0] === functionId(START_NEXT_FUNCTION));

  it('starts the next year every 1 August at 08:00, Europe/Stockholm time', () => {
    expect(schedules).toHaveLength(1);
    expect(schedules[0]![1].Properties).toMatchObject({
      ScheduleExpression: 'cron(0 8 1 8 ? *)',
      ScheduleExpressionTimezone: 'Europe/Stockholm',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
    });
  });

  it('targets the start-next function with a role that can only invoke it (and write its dead letters)', () => {
    const target = schedules[0]![1].Properties.Target;
    const fnId = functionId(START_NEXT_FUNCTION);
    expect(target.Arn).toEqual({ 'Fn::GetAtt': [fnId, 'Arn'] });
    const roleId: string = target.RoleArn['Fn::GetAtt'][0];
    const trust = resources[roleId].Properties.AssumeRolePolicyDocument.Statement;
    expect(trust).toEqual([expect.objectContaining({ Principal: { Service: 'scheduler.amazonaws.com' } })]);
    const statements = ofType('AWS::IAM::Policy')
      .filter(([, p]) => p.Properties.Roles.some((r: any) => r.Ref === roleId))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
    expect(statements).toEqual([
      {
        Action: 'lambda:InvokeFunction',
        Effect: 'Allow',
        Resource: [{ 'Fn::GetAtt': [fnId, 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [fnId, 'Arn'] }, ':*']] }],
      },
      { Action: 'sqs:SendMessage', Effect: 'Allow', Resource: target.DeadLetterConfig.Arn },
    ]);
  });

  it('gives the function an explicit input (the scheduled time), retries for a day, then a dead-letter queue that is encrypted and alarms', () => {
    const target = schedules[0]![1].Properties.Target;
    expect(JSON.parse(target.Input)).toEqual({ scheduledTime: '<aws.scheduler.scheduled-time>' });
    expect(target.RetryPolicy).toEqual({ MaximumEventAgeInSeconds: 24 * 3600, MaximumRetryAttempts: 20 });
    const queueId: string = target.DeadLetterConfig.Arn['Fn::GetAtt'][0];
    const queue = resources[queueId];
    expect(queue).toMatchObject({ Type: 'AWS::SQS::Queue', Properties: { SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 } });
    // Scheduler's role may send to that queue and nothing else besides invoking the function.
    const roleId: string = target.RoleArn['Fn::GetAtt'][0];
    const sends = ofType('AWS::IAM::Policy')
      .filter(([, p]) => p.Properties.Roles.some((r: any) => r.Ref === roleId))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement)
      .filter((st: any) => [st.Action].flat().includes('sqs:SendMessage'));
    expect(sends).toEqual([expect.objectContaining({ Resource: { 'Fn::GetAtt': [queueId, 'Arn'] } })]);
    // Only over TLS (enforceSSL).
    const queuePolicy = ofType('AWS::SQS::QueuePolicy').find(([, p]) => p.Properties.Queues.some((q: any) => q.Ref === queueId));
    expect(JSON.stringify(queuePolicy?.[1].Properties.PolicyDocument)).toContain('aws:SecureTransport');
    const alarm = ofType('AWS::CloudWatch::Alarm')
      .map(([, a]) => a.Properties)
      .find((a) => a.MetricName === 'ApproximateNumberOfMessagesVisible' && a.Dimensions[0].Value['Fn::GetAtt']?.[0] === queueId);
    expect(alarm).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', Namespace: 'AWS/SQS' });
  });

  it('gives start-next the state machine and StartExecution on it', () => {
    const fnId = functionId(START_NEXT_FUNCTION);
    expect(resources[fnId].Properties.Environment.Variables.STATE_MACHINE_ARN).toEqual({ Ref: SM_ID });
    const statements = statementsOf(fnId);
    expect(statements).toEqual(
      expect.arrayContaining([expect.objectContaining({ Action: 'states:StartExecution', Resource: { Ref: SM_ID } })]),
    );
    expect(actionsOf(fnId).some((a) => a.startsWith('ses:'))).toBe(false);
  });
});

describe('Observability', () => {
  const alarms = ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);

  it('has a dashboard with the API, Lambda errors and workflow executions', () => {
    const dashboards = ofType('AWS::CloudWatch::Dashboard');
    expect(dashboards).toHaveLength(1);
    const body = JSON.stringify(dashboards[0]![1].Properties.DashboardBody);
    for (const metric of ['4xx', '5xx', 'Latency', 'Errors', 'ExecutionsFailed', 'ExecutionsSucceeded']) {
      expect(body, metric).toContain(metric);
    }
  });

  it('alarms on a failed yearly execution, API 5xx and every task and follower Lambda error, to one SNS topic', () => {
    const topics = ofType('AWS::SNS::Topic');
    expect(topics).toHaveLength(1);
    const topicRef = { Ref: topics[0]![0] };
    for (const alarm of alarms) expect(alarm.AlarmActions).toEqual([topicRef]);

    const failed = alarms.find((a) => a.Metrics?.some((m: any) => m.MetricStat?.Metric.MetricName === 'ExecutionsFailed'));
    expect(failed).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    const api5xx = alarms.find((a) => a.Metrics?.[0]?.MetricStat?.Metric.MetricName === '5xx');
    expect(api5xx).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 1 });
    expect(api5xx.Metrics[0].MetricStat).toMatchObject({ Metric: { Namespace: 'AWS/ApiGateway' }, Period: 300, Stat: 'Sum' });

    const erroring = alarms
      .filter((a) => a.MetricName === 'Errors' && a.Namespace === 'AWS/Lambda')
      .map((a) => a.Dimensions[0].Value.Ref);
    expect(new Set(erroring)).toEqual(new Set([...WORKFLOW_TASKS, START_NEXT_FUNCTION, SWEEP_FUNCTION, FOLLOWER_FUNCTION].map(functionId)));
    expect(erroring).toHaveLength(WORKFLOW_TASKS.length + 3);
  });

  it('subscribes the alarmEmail setting’s address, and nobody else', () => {
    expect(ofType('AWS::SNS::Subscription').map(([, r]) => r)).toEqual([
      expect.objectContaining({ Properties: expect.objectContaining({ Protocol: 'email', Endpoint: 'larm@example.se' }) }),
    ]);
    const outdir = mkdtempSync(join(tmpdir(), 'omfordelning-alarm-'));
    try {
      const { app } = buildApp(
        inProcessContext({ alarmEmail: 'drift@example.se' }),
        outdir,
        { builtinValidation: false },
      );
      const template = app.synth().getStackByName(STACK_NAME).template;
      const subscriptions = Object.values<any>(template.Resources).filter((r) => r.Type === 'AWS::SNS::Subscription');
      expect(subscriptions).toEqual([
        expect.objectContaining({ Properties: expect.objectContaining({ Protocol: 'email', Endpoint: 'drift@example.se' }) }),
      ]);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});

describe('resolvedDefinition', () => {
  const template = {
    Resources: {
      Fn: { Type: 'AWS::Lambda::Function', Metadata: { [ENTRY_METADATA_KEY]: 'functions/x/index.ts' } },
      Sm: {
        Type: 'AWS::StepFunctions::StateMachine',
        Properties: {
          DefinitionString: {
            'Fn::Join': [
              '',
              [
                '{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:',
                { Ref: 'AWS::Partition' },
                ':states:::lambda:invoke","Parameters":{"FunctionName":"',
                { 'Fn::GetAtt': ['Fn', 'Arn'] },
                '"},"Next":"B"},"B":{"Type":"Task","Resource":"',
                { 'Fn::GetAtt': ['Fn', 'Arn'] },
                '","End":true}}}',
              ],
            ],
          },
        },
      },
    },
  };

  it('replaces GetAtt Arn by arnOf and pseudo parameters by local values', () => {
    expect(resolvedDefinition(template, (id) => `arn:fn:${id}`)).toEqual({
      StartAt: 'A',
      States: {
        A: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'arn:fn:Fn' }, Next: 'B' },
        B: { Type: 'Task', Resource: 'arn:fn:Fn', End: true },
      },
    });
    expect(resolvedDefinition(template, (id) => id, { pseudo: { 'AWS::Partition': 'aws-cn' } }).States.A.Resource).toBe(
      'arn:aws-cn:states:::lambda:invoke',
    );
  });

  it('maps tasks of either integration to the function entry', () => {
    expect(taskEntries(template)).toEqual({ A: 'functions/x/index.ts', B: 'functions/x/index.ts' });
  });

  it('refuses templates it cannot resolve', () => {
    expect(() => resolvedDefinition({ Resources: {} }, arnOf)).toThrow(/one AWS::StepFunctions::StateMachine/);
    const unknownRef = structuredClone(template);
    (unknownRef.Resources.Sm.Properties.DefinitionString['Fn::Join'][1] as unknown[])[1] = { Ref: 'Something' };
    expect(() => resolvedDefinition(unknownRef, arnOf)).toThrow(/Unsupported Ref Something/);
  });
});
