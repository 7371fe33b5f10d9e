import { type CfnResource, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ROUTES, type RouteName } from '../../shared/http/routes';
import { DomainFunction, entryOf, missingEntries } from './function';
import type { Identity } from './identity';
import { MIGRATIONSVERKET_ENV, type Notifications } from './notifications';

export interface ApiProps {
  table: dynamodb.TableV2;
  identity: Identity;
  /** For the sender address only (env MAIL_FROM): no route sends mail. */
  notifications: Notifications;
}

/**
 * The public HTTP API (docs/DESIGN.md "Requests"): one route and one Lambda per entry of ROUTES, behind a
 * JWT authorizer trusting the Cognito pool. Each function gets only the access its use case
 * needs: reads for GET, read-write otherwise. No route sends e-mail: commands append ledger
 * events, and the ledger follower (ledger-follower.ts) sends their notices from the stream.
 */
export class Api extends Construct {
  readonly httpApi: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  /** Base URL of the API (routes start with /v1). */
  readonly url: string;
  /** Handler of each route, for constructs that grant more (e.g. the workflow). */
  readonly functions: Record<RouteName, NodejsFunction>;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);

    const missing = missingEntries(ROUTES.map((r) => r.name));
    if (missing.length > 0) {
      throw new Error(`Missing route handlers: ${missing.map(entryOf).join(', ')}`);
    }

    this.httpApi = new apigw.HttpApi(this, 'HttpApi', {
      apiName: 'omfordelning',
      description: 'Omfördelning av anvisningsandelar',
      // The default stage is declared below, with access logs and throttling.
      createDefaultStage: false,
    });
    this.stage = new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { burstLimit: 200, rateLimit: 100 },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(
          new logs.LogGroup(this, 'AccessLogs', {
            retention: logs.RetentionDays.ONE_MONTH,
            removalPolicy: RemovalPolicy.DESTROY,
          }),
        ),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });
    this.url = this.stage.url;

    // ID tokens of both app clients (scripts and the web app): `aud` is the client id.
    const jwt = new HttpJwtAuthorizer('CognitoJwt', props.identity.issuerUrl, {
      jwtAudience: props.identity.audiences,
    });
    const none = new apigw.HttpNoneAuthorizer();

    const functions: Partial<Record<RouteName, NodejsFunction>> = {};
    for (const route of ROUTES) {
      const id = pascalCase(route.name);
      const fn = new DomainFunction(this, id, {
        name: route.name,
        description: `${route.method} ${route.path}`,
        environment: {
          TABLE_NAME: props.table.tableName,
          MAIL_FROM: props.notifications.mailFrom,
          // GET /v1/contacts shows the contacts as the notices would use them.
          [MIGRATIONSVERKET_ENV]: props.notifications.migrationsverketMailbox,
        },
      }).handler;

      if (route.method === 'GET') props.table.grantReadData(fn);
      else props.table.grantReadWriteData(fn);

      const isPublic = 'public' in route && route.public;
      const httpRoute = new apigw.HttpRoute(this, `${id}Route`, {
        httpApi: this.httpApi,
        routeKey: apigw.HttpRouteKey.with(route.path, apigw.HttpMethod[route.method]),
        integration: new HttpLambdaIntegration('Integration', fn, {
          payloadFormatVersion: apigw.PayloadFormatVersion.VERSION_2_0,
        }),
        authorizer: isPublic ? none : jwt,
      });
      if (isPublic) {
        Validations.of(httpRoute).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: 'Public by design (README "Roles and tokens"): health, reference data and the OpenAPI document.',
        });
      }
      functions[route.name] = fn;
    }
    this.functions = functions as Record<RouteName, NodejsFunction>;

    // grantRead(Write)Data also covers the table's own indexes (byYear), named by a wildcard.
    const tableId = Stack.of(this).getLogicalId(props.table.node.defaultChild as CfnResource);
    Validations.of(this).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${tableId}.Arn>/index/*]`,
      reason: "Wildcard is limited to the ledger table's own secondary indexes, which queries need.",
    });
  }
}

/** One JSON object per request (HTTP API context variables). */
const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  latencyMs: '$context.responseLatency',
  integrationLatencyMs: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
  user: '$context.authorizer.claims.sub',
};

function pascalCase(name: string): string {
  return name.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
}
