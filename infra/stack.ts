import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CfnOutput, Lazy, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Api } from './constructs/api';
import { TRACE_AWS_CALLS_CONTEXT } from './constructs/function';
import { Identity } from './constructs/identity';
import { LedgerFollower } from './constructs/ledger-follower';
import { NoticeSweep, SWEEP_FUNCTION } from './constructs/notice-sweep';
import { Notifications } from './constructs/notifications';
import { Observability } from './constructs/observability';
import { START_NEXT_FUNCTION, YearlySchedule } from './constructs/schedule';
import { Storage } from './constructs/storage';
import { WebApp } from './constructs/web-app';
import { YearlyWorkflow } from './constructs/workflow';
import type { DeploymentSettings } from './settings';

/** Where the web app's build (`npm run build:web`) puts its files; context `webDist` overrides. */
const DEFAULT_WEB_DIST = fileURLToPath(new URL('../web/dist', import.meta.url));

export interface OmfordelningStackProps extends StackProps {
  /** Read and checked before the stack is built (infra/settings.ts). */
  settings: DeploymentSettings;
}

export class OmfordelningStack extends Stack {
  readonly storage: Storage;
  readonly identity: Identity;
  readonly notifications: Notifications;
  readonly follower: LedgerFollower;
  readonly api: Api;
  readonly workflow: YearlyWorkflow;
  readonly schedule: YearlySchedule;
  readonly sweep: NoticeSweep;
  readonly observability: Observability;
  readonly webApp: WebApp;

  constructor(scope: Construct, id: string, props: OmfordelningStackProps) {
    super(scope, id, props);
    const { settings } = props;
    // Before any function is built: each one reads it for its bundle (infra/constructs/function.ts).
    this.node.setContext(TRACE_AWS_CALLS_CONTEXT, settings.traceAwsCalls);
    this.storage = new Storage(this, 'Storage', { backupRetentionDays: settings.backupRetentionDays });
    // Setting appUrl; without it, the distribution's own address.
    const { appUrl } = settings;
    // The notices' sender, also Cognito's (invitations and password resets go out through SES).
    this.notifications = new Notifications(this, 'Notifications', {
      appUrl: Lazy.string({ produce: () => this.webApp.url }),
      mailFrom: settings.mailFrom,
      mailIdentity: settings.mailIdentity,
      migrationsverketMailbox: settings.migrationsverketMailbox,
    });
    // The web client's callback names the distribution, which routes to the API, whose
    // authorizer trusts the web client: no cycle in CloudFormation (client → distribution →
    // API), but the constructs come in one order, so the client takes the URL lazily.
    this.identity = new Identity(this, 'Identity', {
      webAppUrl: Lazy.string({ produce: () => this.webApp.url }),
      ...(settings.authDomainPrefix && { domainPrefix: settings.authDomainPrefix }),
      notifications: this.notifications,
    });
    this.follower = new LedgerFollower(this, 'LedgerFollower', {
      table: this.storage.table,
      notifications: this.notifications,
    });
    this.api = new Api(this, 'Api', {
      table: this.storage.table,
      identity: this.identity,
      notifications: this.notifications,
    });
    this.workflow = new YearlyWorkflow(this, 'Workflow', {
      table: this.storage.table,
      notifications: this.notifications,
    });
    this.workflow.connectApi(this.api.functions);
    this.schedule = new YearlySchedule(this, 'Schedule', {
      stateMachine: this.workflow.stateMachine,
      table: this.storage.table,
      notifications: this.notifications,
    });
    this.sweep = new NoticeSweep(this, 'NoticeSweep', { table: this.storage.table, notifications: this.notifications });
    this.observability = new Observability(this, 'Observability', {
      httpApi: this.api.httpApi,
      stateMachine: this.workflow.stateMachine,
      apiFunctions: this.api.functions,
      taskFunctions: { ...this.workflow.functions, [START_NEXT_FUNCTION]: this.schedule.startNext, [SWEEP_FUNCTION]: this.sweep.function },
      follower: { function: this.follower.function, deadLetters: this.follower.deadLetters },
      alarmEmail: settings.alarmEmail,
      scheduleDeadLetters: this.schedule.deadLetters,
    });
    this.webApp = new WebApp(this, 'WebApp', {
      siteDir: resolve(this.node.tryGetContext('webDist') ?? DEFAULT_WEB_DIST),
      api: this.api,
      identity: this.identity,
      ...(appUrl && { appUrl }),
    });

    new CfnOutput(this, 'WebAppUrl', { value: `${this.webApp.url}/` });
    // What the operator's domain (context appUrl) has to reach; the same as WebAppUrl without one.
    new CfnOutput(this, 'DistributionUrl', { value: `https://${this.webApp.distribution.distributionDomainName}/` });
    new CfnOutput(this, 'AuthDomain', { value: this.identity.domainUrl });
    new CfnOutput(this, 'WebClientId', { value: this.identity.webClient.userPoolClientId });
    new CfnOutput(this, 'ApiUrl', { value: this.api.url });
    new CfnOutput(this, 'UserPoolId', { value: this.identity.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.identity.client.userPoolClientId });
    new CfnOutput(this, 'TableName', { value: this.storage.table.tableName });
    new CfnOutput(this, 'StateMachineArn', { value: this.workflow.stateMachine.stateMachineArn });
  }
}
