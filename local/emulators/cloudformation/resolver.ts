/**
 * The one place CloudFormation intrinsics become local values: the functions' environment
 * (routes.ts, stream-mappings.ts) and the state machine's definition (state-machine.ts) are
 * resolved by the same rules, so a `Ref` or `Fn::GetAtt` means the same thing wherever the
 * template uses it. Pure: no I/O.
 */
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../account';

/** The synthesized template, as far as the local stack reads it. */
export type Template = { Resources?: Record<string, any>; Parameters?: Record<string, any> };

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** CloudFormation metadata key naming a function's handler source (the contract with infra/constructs/function.ts). */
export const ENTRY_METADATA = 'omfordelning:entry';

export const TABLE_TYPES: ReadonlySet<string> = new Set(['AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable']);

/** Values for pseudo parameters, when none are given. */
const LOCAL_PSEUDO_PARAMETERS: Readonly<Record<string, string>> = {
  'AWS::Partition': 'aws',
  'AWS::Region': LOCAL_REGION,
  'AWS::AccountId': LOCAL_ACCOUNT_ID,
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': 'Omfordelning',
};

export interface LocalValues {
  /** Local name of the (single) DynamoDB table; `Ref` to any table resolves to it. */
  tableName?: string;
  region?: string;
  accountId?: string;
  stackName?: string;
  /** Pseudo parameter values (`Ref: AWS::Partition`, …), over LOCAL_PSEUDO_PARAMETERS and region/account/stack name. */
  pseudo?: Record<string, string>;
  /** Explicit values for `Ref <logicalId>` (for example a local state machine ARN). */
  refs?: Record<string, string>;
  /** The value of `Fn::GetAtt [<logicalId>, Arn]`, in place of the local ARN of the resource's type. */
  arnOf?: (logicalId: string) => string;
}

/** Turns CloudFormation intrinsics into local values. Unknown intrinsics and `Ref`s to nothing in the template are refused. */
export class Resolver {
  private readonly pseudo: Record<string, string>;

  constructor(
    private readonly template: Template,
    private readonly local: LocalValues = {},
  ) {
    const region = local.region ?? local.pseudo?.['AWS::Region'] ?? LOCAL_REGION;
    const accountId = local.accountId ?? local.pseudo?.['AWS::AccountId'] ?? LOCAL_ACCOUNT_ID;
    const stackName = local.stackName ?? local.pseudo?.['AWS::StackName'] ?? LOCAL_PSEUDO_PARAMETERS['AWS::StackName']!;
    this.pseudo = {
      ...LOCAL_PSEUDO_PARAMETERS,
      'AWS::Region': region,
      'AWS::AccountId': accountId,
      'AWS::StackName': stackName,
      'AWS::StackId': `arn:aws:cloudformation:${region}:${accountId}:stack/${stackName}/local`,
      'AWS::NoValue': '',
      ...local.pseudo,
    };
  }

  get region(): string {
    return this.pseudo['AWS::Region']!;
  }

  get accountId(): string {
    return this.pseudo['AWS::AccountId']!;
  }

  /** `value` with every intrinsic inside it resolved (objects and lists walked). */
  resolve(value: unknown): Json {
    if (value === null || typeof value !== 'object') return value as Json;
    if (Array.isArray(value)) return value.map((v) => this.resolve(v));
    const object = value as Record<string, any>;
    const keys = Object.keys(object);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0]!.startsWith('Fn::'))) return this.intrinsic(keys[0]!, object[keys[0]!]);
    return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, this.resolve(v)]));
  }

  /** `value` resolved to a string, as an environment variable holds it. */
  text(value: unknown): string {
    const resolved = this.resolve(value);
    if (typeof resolved === 'string') return resolved;
    if (typeof resolved === 'number' || typeof resolved === 'boolean') return String(resolved);
    if (resolved === null) return '';
    return JSON.stringify(resolved);
  }

  private intrinsic(key: string, arg: any): Json {
    switch (key) {
      case 'Ref':
        return this.ref(String(arg));
      case 'Fn::GetAtt': {
        const [id, attribute] = Array.isArray(arg) ? arg : String(arg).split(/\.(.*)/);
        return this.getAtt(String(id), String(attribute));
      }
      case 'Fn::Join': {
        const [separator, parts] = arg as [string, unknown];
        const items = this.resolve(parts);
        if (!Array.isArray(items)) throw new Error(`Fn::Join needs a list, got ${JSON.stringify(parts)}`);
        return items.map((item) => this.text(item)).join(separator);
      }
      case 'Fn::Sub': {
        const [text, vars] = Array.isArray(arg) ? arg : [arg, {}];
        return String(text).replace(/\$\{([^}!]+)\}/g, (_, name: string) =>
          name in (vars ?? {}) ? this.text(vars[name]) : name.includes('.') ? this.getAtt(...(name.split(/\.(.*)/) as [string, string])) : this.ref(name),
        );
      }
      case 'Fn::Select': {
        const [index, list] = arg as [number | string, unknown];
        const items = this.resolve(list);
        if (!Array.isArray(items)) throw new Error(`Fn::Select needs a list, got ${JSON.stringify(list)}`);
        return items[Number(index)] ?? null;
      }
      case 'Fn::Split': {
        const [separator, source] = arg as [string, unknown];
        return this.text(source).split(separator);
      }
      case 'Fn::ImportValue':
        return `local-import-${this.text(arg)}`;
      case 'Fn::If':
        return this.resolve(arg[1]);
    }
    throw new Error(`Unsupported intrinsic ${key}`);
  }

  private ref(id: string): string {
    const { refs, tableName } = this.local;
    if (refs && id in refs) return refs[id]!;
    if (id in this.pseudo) return this.pseudo[id]!;
    const parameter = this.template.Parameters?.[id];
    if (parameter) return parameter.Default !== undefined ? String(parameter.Default) : `local-parameter-${id}`;
    const type: string | undefined = this.template.Resources?.[id]?.Type;
    if (type === undefined) throw new Error(`Unsupported Ref ${id}: no parameter or resource of the template`);
    if (TABLE_TYPES.has(type)) return tableName ?? id;
    // Ref returns the ARN for these types, a name or id for most others.
    if (type === 'AWS::StepFunctions::StateMachine') return this.arn('states', `stateMachine:${id}`);
    if (type === 'AWS::SNS::Topic') return this.arn('sns', id);
    if (type === 'AWS::SQS::Queue') return `http://127.0.0.1/queue/${this.accountId}/${id}`;
    if (type === 'AWS::Events::EventBus' || type === 'AWS::Lambda::Function' || type === 'AWS::S3::Bucket') return id.toLowerCase();
    return id;
  }

  private getAtt(id: string, attr: string): string {
    if (attr === 'Arn' && this.local.arnOf) return this.local.arnOf(id);
    const type: string | undefined = this.template.Resources?.[id]?.Type;
    if (type && TABLE_TYPES.has(type)) {
      const name = this.local.tableName ?? id;
      const table = this.arn('dynamodb', `table/${name}`);
      return attr === 'StreamArn' || attr === 'LatestStreamArn' ? `${table}/stream/local` : attr === 'Arn' ? table : name;
    }
    if (type === 'AWS::StepFunctions::StateMachine') return attr === 'Name' ? id : this.arn('states', `stateMachine:${id}`);
    if (type === 'AWS::Lambda::Function') return attr === 'Arn' ? this.arn('lambda', `function:${id}`) : id;
    if (attr === 'Arn') return this.arn(type?.split('::')[1]?.toLowerCase() ?? 'local', id);
    return `${id}.${attr}`;
  }

  private arn(service: string, resource: string): string {
    return `arn:${this.pseudo['AWS::Partition']}:${service}:${this.region}:${this.accountId}:${resource}`;
  }
}

/** An intrinsic, shortened for the start-up log: `Ref LedgerTable`, `Fn::GetAtt Machine.Arn`, `Fn::Sub`. */
export function describeIntrinsic(v: unknown): string {
  if (v && typeof v === 'object') {
    const [fn, arg] = Object.entries(v as Record<string, unknown>)[0] ?? [];
    if (fn === 'Ref') return `Ref ${String(arg)}`;
    if (fn === 'Fn::GetAtt') return `Fn::GetAtt ${Array.isArray(arg) ? arg.join('.') : String(arg)}`;
    if (fn) return fn;
  }
  return JSON.stringify(v);
}
