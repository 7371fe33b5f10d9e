/**
 * Reads the HTTP API back out of the synthesized CloudFormation template, so the local
 * server serves exactly the routes, authorizers and environment the cloud gets.
 *
 * Contract with the CDK stack: each route is an AWS::ApiGatewayV2::Route with
 * `RouteKey: "POST /v1/..."`, `AuthorizationType: "JWT" | "NONE"` and
 * `Target: {"Fn::Join": ["", ["integrations/", {"Ref": <integration>}]]}`; the
 * AWS::ApiGatewayV2::Integration has `IntegrationUri: {"Fn::GetAtt": [<function>, "Arn"]}`;
 * the AWS::Lambda::Function has `Metadata: {"omfordelning:entry": "functions/<name>/index.ts"}`
 * and `Environment.Variables`. Pure: no I/O.
 */

export const ENTRY_METADATA = 'omfordelning:entry';

type Template = { Resources?: Record<string, any>; Parameters?: Record<string, any> };

export interface LocalValues {
  /** Local name of the (single) DynamoDB table; `Ref` to any table resolves to it. */
  tableName: string;
  region?: string;
  accountId?: string;
  stackName?: string;
  /** Explicit values for `Ref <logicalId>` (for example a local state machine ARN). */
  refs?: Record<string, string>;
}

/** How one non-literal environment value was turned into a local one (for the start-up log). */
export interface EnvResolution {
  functionId: string;
  variable: string;
  /** The intrinsic, shortened: `Ref LedgerTable`, `Fn::GetAtt Machine.Arn`, … */
  from: string;
  value: string;
}

export interface LocalRoute {
  /** `POST /v1/years/{year}/proposals` */
  routeKey: string;
  /** Upper case, or `ANY`. */
  method: string;
  /** `/v1/years/{year}/proposals`, or `$default`. */
  path: string;
  pattern: RegExp;
  paramNames: string[];
  authorization: 'JWT' | 'NONE';
  /** Project-relative handler module, from the function's `omfordelning:entry` metadata. */
  entry: string;
  functionId: string;
  env: Record<string, string>;
  resolutions: EnvResolution[];
}

const DEFAULTS = { region: 'eu-north-1', accountId: '000000000000', stackName: 'Omfordelning' };
const TABLE_TYPES = new Set(['AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable']);

export function routesFromTemplate(template: Template, local: LocalValues): LocalRoute[] {
  const resources = template.Resources ?? {};
  const problems: string[] = [];
  const routes: LocalRoute[] = [];
  const resolver = new Resolver(template, { ...DEFAULTS, ...stripUndefined(local), tableName: local.tableName });

  for (const [routeId, route] of Object.entries(resources)) {
    if (route?.Type !== 'AWS::ApiGatewayV2::Route') continue;
    const props = route.Properties ?? {};
    const routeKey: unknown = props.RouteKey;
    const parsed = typeof routeKey === 'string' ? parseRouteKey(routeKey) : undefined;
    if (!parsed) {
      problems.push(`${routeId}: RouteKey ${JSON.stringify(routeKey)} är inte "METOD /sökväg"`);
      continue;
    }
    const authorization = props.AuthorizationType ?? 'NONE';
    if (authorization !== 'JWT' && authorization !== 'NONE') {
      problems.push(`${routeId}: AuthorizationType ${JSON.stringify(authorization)} stöds inte lokalt (bara JWT och NONE)`);
      continue;
    }
    const integrationId = integrationOf(props.Target);
    const integration = integrationId ? resources[integrationId] : undefined;
    if (!integrationId || integration?.Type !== 'AWS::ApiGatewayV2::Integration') {
      problems.push(`${routeId}: Target pekar inte på en AWS::ApiGatewayV2::Integration (${JSON.stringify(props.Target)})`);
      continue;
    }
    const functionId = functionOf(resources, integration.Properties?.IntegrationUri);
    if (!functionId) {
      problems.push(`${integrationId}: IntegrationUri pekar inte på en AWS::Lambda::Function`);
      continue;
    }
    const fn = resources[functionId];
    const entry: unknown = fn.Metadata?.[ENTRY_METADATA];
    if (typeof entry !== 'string' || entry === '') {
      problems.push(`${functionId}: Metadata saknar "${ENTRY_METADATA}" (handlerns fil, t.ex. functions/health/index.ts)`);
      continue;
    }
    const { env, resolutions } = resolver.environment(functionId, fn.Properties?.Environment?.Variables ?? {});
    routes.push({
      routeKey,
      method: parsed.method,
      path: parsed.path,
      ...compilePath(parsed.path),
      authorization,
      entry: entry.replace(/^\.\//, ''),
      functionId,
      env,
      resolutions,
    } as LocalRoute);
  }
  if (problems.length > 0) throw new Error(`Mallens API går inte att köra lokalt:\n  - ${problems.join('\n  - ')}`);
  // Stable order (by path, then method) so the start-up listing reads well.
  return routes.sort((a, b) => (a.path === b.path ? a.method.localeCompare(b.method) : a.path.localeCompare(b.path)));
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function parseRouteKey(routeKey: string): { method: string; path: string } | undefined {
  if (routeKey === '$default') return { method: 'ANY', path: '$default' };
  const m = /^([A-Z]+) (\/\S*)$/.exec(routeKey.trim());
  return m ? { method: m[1]!, path: m[2]! } : undefined;
}

/** `integrations/<id>` as the contract's Fn::Join, or any Ref inside the target. */
function integrationOf(target: unknown): string | undefined {
  const refs = collectRefs(target);
  return refs[0];
}

/** The Lambda function an integration URI points at (via GetAtt/Ref, through aliases and versions). */
function functionOf(resources: Record<string, any>, uri: unknown): string | undefined {
  for (const id of collectRefs(uri)) {
    let current: string | undefined = id;
    for (let hops = 0; current && hops < 3; hops++) {
      const r: any = resources[current];
      if (r?.Type === 'AWS::Lambda::Function') return current;
      if (r?.Type === 'AWS::Lambda::Alias' || r?.Type === 'AWS::Lambda::Version') current = collectRefs(r.Properties?.FunctionName)[0];
      else current = undefined;
    }
  }
  return undefined;
}

/** Logical ids named by Ref / Fn::GetAtt anywhere inside a value, in order. */
function collectRefs(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => collectRefs(v, out));
  else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.Ref === 'string' && !o.Ref.startsWith('AWS::')) out.push(o.Ref);
    else if (Array.isArray(o['Fn::GetAtt']) && typeof o['Fn::GetAtt'][0] === 'string') out.push(o['Fn::GetAtt'][0]);
    else if (typeof o['Fn::GetAtt'] === 'string') out.push(o['Fn::GetAtt'].split('.')[0]!);
    else Object.values(o).forEach((v) => collectRefs(v, out));
  }
  return out;
}

/** `/v1/years/{year}/proposals` → a regex with one group per `{param}`; `{proxy+}` is greedy. */
export function compilePath(path: string): { pattern: RegExp; paramNames: string[] } {
  if (path === '$default') return { pattern: /^\/.*$/, paramNames: [] };
  const paramNames: string[] = [];
  const source = path
    .split('/')
    .map((segment) => {
      const param = /^\{([^{}+]+)(\+?)\}$/.exec(segment);
      if (!param) return escapeRegex(segment);
      paramNames.push(param[1]!);
      return param[2] ? '(.+)' : '([^/]+)';
    })
    .join('/');
  return { pattern: new RegExp(`^${source}$`), paramNames };
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export type RouteMatch =
  | { kind: 'found'; route: LocalRoute; params: Record<string, string> }
  | { kind: 'method-not-allowed'; allowed: string[] }
  | { kind: 'not-found' };

/** Routes compiled once; `match` runs per request. Specific routes win over `$default`. */
export class Router {
  private readonly specific: LocalRoute[];
  private readonly fallback: LocalRoute | undefined;
  private readonly exact = new Map<string, LocalRoute[]>();

  constructor(readonly routes: LocalRoute[]) {
    this.specific = routes.filter((r) => r.path !== '$default');
    this.fallback = routes.find((r) => r.path === '$default');
    for (const r of this.specific) {
      if (r.paramNames.length > 0) continue;
      this.exact.set(r.path, [...(this.exact.get(r.path) ?? []), r]);
    }
  }

  /** `rawPath` as received (percent-encoded); path parameters are decoded. */
  match(method: string, rawPath: string): RouteMatch {
    const allowed: string[] = [];
    const exact = this.exact.get(rawPath);
    if (exact) {
      const route = exact.find((r) => r.method === method || r.method === 'ANY');
      if (route) return { kind: 'found', route, params: {} };
      allowed.push(...exact.map((r) => r.method));
    }
    // Among templated paths, prefer the one with fewer parameters (literal segments win).
    let best: { route: LocalRoute; params: Record<string, string> } | undefined;
    for (const route of this.specific) {
      if (route.paramNames.length === 0) continue;
      const m = route.pattern.exec(rawPath);
      if (!m) continue;
      if (route.method !== method && route.method !== 'ANY') {
        allowed.push(route.method);
        continue;
      }
      if (best && best.route.paramNames.length <= route.paramNames.length) continue;
      const params: Record<string, string> = {};
      route.paramNames.forEach((name, i) => (params[name] = decode(m[i + 1]!)));
      best = { route, params };
    }
    if (best) return { kind: 'found', ...best };
    if (this.fallback) return { kind: 'found', route: this.fallback, params: {} };
    return allowed.length > 0 ? { kind: 'method-not-allowed', allowed: [...new Set(allowed)].sort() } : { kind: 'not-found' };
  }
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Turns CloudFormation intrinsics in environment values into local values, noting each. */
class Resolver {
  constructor(
    private readonly template: Template,
    private readonly local: Required<Omit<LocalValues, 'refs'>> & Pick<LocalValues, 'refs'>,
  ) {}

  environment(functionId: string, variables: Record<string, unknown>): { env: Record<string, string>; resolutions: EnvResolution[] } {
    const env: Record<string, string> = {};
    const resolutions: EnvResolution[] = [];
    for (const [variable, raw] of Object.entries(variables)) {
      const value = this.value(raw);
      env[variable] = value;
      if (typeof raw !== 'string') resolutions.push({ functionId, variable, from: describe(raw), value });
    }
    return { env, resolutions };
  }

  private value(v: unknown): string {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    if (!v || typeof v !== 'object') return '';
    const o = v as Record<string, any>;
    if ('Ref' in o) return this.ref(String(o.Ref));
    if ('Fn::GetAtt' in o) {
      const [id, attr] = Array.isArray(o['Fn::GetAtt']) ? o['Fn::GetAtt'] : String(o['Fn::GetAtt']).split(/\.(.*)/);
      return this.getAtt(String(id), String(attr));
    }
    if ('Fn::Join' in o) {
      const [sep, parts] = o['Fn::Join'] as [string, unknown[]];
      return (Array.isArray(parts) ? parts : []).map((p) => this.value(p)).join(sep);
    }
    if ('Fn::Sub' in o) {
      const [text, vars] = Array.isArray(o['Fn::Sub']) ? o['Fn::Sub'] : [o['Fn::Sub'], {}];
      return String(text).replace(/\$\{([^}!]+)\}/g, (_, name: string) =>
        name in (vars ?? {}) ? this.value(vars[name]) : name.includes('.') ? this.getAtt(...(name.split(/\.(.*)/) as [string, string])) : this.ref(name),
      );
    }
    if ('Fn::Select' in o) {
      const [index, list] = o['Fn::Select'];
      const items = Array.isArray(list) ? list.map((x: unknown) => this.value(x)) : this.list(list);
      return items[Number(index)] ?? '';
    }
    if ('Fn::ImportValue' in o) return `local-import-${this.value(o['Fn::ImportValue'])}`;
    if ('Fn::If' in o) return this.value(o['Fn::If'][1]);
    return JSON.stringify(v);
  }

  private list(v: unknown): string[] {
    const o = v as Record<string, any> | undefined;
    if (o && 'Fn::Split' in o) return this.value(o['Fn::Split'][1]).split(o['Fn::Split'][0]);
    return [this.value(v)];
  }

  private ref(id: string): string {
    const { region, accountId, stackName, refs } = this.local;
    if (refs && id in refs) return refs[id]!;
    switch (id) {
      case 'AWS::Region':
        return region;
      case 'AWS::AccountId':
        return accountId;
      case 'AWS::Partition':
        return 'aws';
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return stackName;
      case 'AWS::StackId':
        return `arn:aws:cloudformation:${region}:${accountId}:stack/${stackName}/local`;
      case 'AWS::NoValue':
        return '';
    }
    const parameter = this.template.Parameters?.[id];
    if (parameter) return parameter.Default !== undefined ? String(parameter.Default) : `local-parameter-${id}`;
    const type: string | undefined = this.template.Resources?.[id]?.Type;
    if (type && TABLE_TYPES.has(type)) return this.local.tableName;
    // Ref returns the ARN for these types, a name or id for most others.
    if (type === 'AWS::StepFunctions::StateMachine') return this.arn('states', `stateMachine:${id}`);
    if (type === 'AWS::SNS::Topic') return this.arn('sns', id);
    if (type === 'AWS::SQS::Queue') return `http://127.0.0.1/queue/${accountId}/${id}`;
    if (type === 'AWS::Events::EventBus' || type === 'AWS::Lambda::Function' || type === 'AWS::S3::Bucket') return id.toLowerCase();
    return id;
  }

  private getAtt(id: string, attr: string): string {
    const type: string | undefined = this.template.Resources?.[id]?.Type;
    if (type && TABLE_TYPES.has(type)) {
      const table = this.arn('dynamodb', `table/${this.local.tableName}`);
      return attr === 'StreamArn' || attr === 'LatestStreamArn' ? `${table}/stream/local` : attr === 'Arn' ? table : this.local.tableName;
    }
    if (type === 'AWS::StepFunctions::StateMachine') return attr === 'Name' ? id : this.arn('states', `stateMachine:${id}`);
    if (type === 'AWS::Lambda::Function') return attr === 'Arn' ? this.arn('lambda', `function:${id}`) : id;
    if (attr === 'Arn') return this.arn(serviceOf(type), id);
    return `${id}.${attr}`;
  }

  private arn(service: string, resource: string): string {
    return `arn:aws:${service}:${this.local.region}:${this.local.accountId}:${resource}`;
  }
}

function serviceOf(type: string | undefined): string {
  return type?.split('::')[1]?.toLowerCase() ?? 'local';
}

function describe(v: unknown): string {
  if (v && typeof v === 'object') {
    const [fn, arg] = Object.entries(v as Record<string, unknown>)[0] ?? [];
    if (fn === 'Ref') return `Ref ${String(arg)}`;
    if (fn === 'Fn::GetAtt') return `Fn::GetAtt ${Array.isArray(arg) ? arg.join('.') : String(arg)}`;
    if (fn) return fn;
  }
  return JSON.stringify(v);
}
