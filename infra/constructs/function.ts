import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Charset, LogLevel, NodejsFunction, OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ENTRY_METADATA_KEY } from '../metadata';
import { LAMBDA_BUNDLING, bundleDefines } from '../bundling';

/** Absolute path of the repository root (this file lives in infra/constructs/). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));


/** Handler source of a function, relative to the repo root. */
export function entryOf(name: string): string {
  return `functions/${name}/index.ts`;
}

/** Names whose `functions/<name>/index.ts` is not on disk (NodejsFunction refuses them). */
export function missingEntries(names: readonly string[]): string[] {
  return names.filter((name) => !existsSync(join(REPO_ROOT, entryOf(name))));
}

/**
 * Context key under which the stack puts the setting `traceAwsCalls` (infra/stack.ts), for
 * every DomainFunction below it: each function's bundle then holds the Powertools Tracer.
 */
export const TRACE_AWS_CALLS_CONTEXT = 'omfordelning:traceAwsCalls';

export interface DomainFunctionProps {
  /** Folder under functions/; the code is `functions/<name>/index.ts`, exporting `handler`. */
  name: string;
  description?: string;
  environment?: Record<string, string>;
  /** @default 10 seconds */
  timeout?: Duration;
  /** @default 512 MB */
  memorySize?: number;
}

/**
 * One Lambda handler with the project's defaults: Node.js 22 on arm64 (cheaper per ms),
 * X-Ray tracing (the function's own segments; its AWS SDK calls too where the stack traces
 * them), structured JSON logs kept a month, bundled as LAMBDA_BUNDLING says.
 */
export class DomainFunction extends Construct {
  readonly handler: NodejsFunction;
  readonly logGroup: logs.LogGroup;
  /** Handler source, relative to the repo root (also in the template's metadata). */
  readonly entry: string;

  constructor(scope: Construct, id: string, props: DomainFunctionProps) {
    super(scope, id);
    this.entry = entryOf(props.name);

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.ONE_MONTH,
      // Logs are operational; the legal record is the ledger table, which is retained.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // Own role instead of the AWSLambdaBasicExecutionRole managed policy (logs on any group):
    // this function may write only to its own log group.
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    this.logGroup.grantWrite(role);

    this.handler = new NodejsFunction(this, 'Handler', {
      entry: join(REPO_ROOT, this.entry),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      description: props.description,
      role,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      tracing: lambda.Tracing.ACTIVE,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      ...(props.environment && { environment: props.environment }),
      bundling: cdkBundling(this.node.tryGetContext(TRACE_AWS_CALLS_CONTEXT) === true),
    });

    const cfn = this.handler.node.defaultChild as lambda.CfnFunction;
    cfn.addMetadata(ENTRY_METADATA_KEY, this.entry);

    Validations.of(this).acknowledge(
      {
        // Granted by Tracing.ACTIVE: X-Ray segment APIs accept no resource narrower than '*'.
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'X-Ray PutTraceSegments/PutTelemetryRecords support only Resource *.',
      },
      {
        id: 'AwsSolutions-L1',
        reason: 'Node.js 22 (LTS) is pinned with the esbuild target node22; moving to 24 is a deliberate upgrade.',
      },
    );
  }
}

/**
 * LAMBDA_BUNDLING in NodejsFunction's terms. NodejsFunction always bundles, tree-shakes and
 * runs on platform node; `bundleAwsSDK` stops it from making `@aws-sdk/*` external by default,
 * so the externals are exactly LAMBDA_BUNDLING's.
 */
export function cdkBundling(traceAwsCalls: boolean): BundlingOptions {
  const b = LAMBDA_BUNDLING;
  return {
    format: { esm: OutputFormat.ESM, cjs: OutputFormat.CJS }[b.format],
    target: b.target,
    mainFields: [...b.mainFields],
    minify: b.minify,
    keepNames: b.keepNames,
    sourceMap: b.sourcemap,
    charset: { utf8: Charset.UTF8 }[b.charset],
    define: bundleDefines(traceAwsCalls),
    bundleAwsSDK: true,
    externalModules: [...b.external],
    banner: b.banner.js,
    logLevel: { warning: LogLevel.WARNING }[b.logLevel],
  };
}
