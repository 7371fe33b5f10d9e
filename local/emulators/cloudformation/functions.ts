/**
 * The template's Lambda functions as the local stack runs them: which function a route, a
 * stream mapping or a Task state invokes, its handler source (the `omfordelning:entry`
 * metadata) and its environment, resolved by the one Resolver. Pure: no I/O.
 */
import { ENTRY_METADATA, type Resolver, describeIntrinsic } from './resolver';

/** How one non-literal environment value was turned into a local one (for the start-up log). */
export interface EnvResolution {
  functionId: string;
  variable: string;
  /** The intrinsic, shortened: `Ref LedgerTable`, `Fn::GetAtt Machine.Arn`, … */
  from: string;
  value: string;
}

export interface FunctionEnvironment {
  functionId: string;
  env: Record<string, string>;
  resolutions: EnvResolution[];
}

/** The function's `Environment.Variables` with every intrinsic resolved, noting each. */
export function environmentOf(resources: Record<string, any>, functionId: string, resolver: Resolver): FunctionEnvironment {
  const variables: Record<string, unknown> = resources[functionId]?.Properties?.Environment?.Variables ?? {};
  const env: Record<string, string> = {};
  const resolutions: EnvResolution[] = [];
  for (const [variable, raw] of Object.entries(variables)) {
    const value = resolver.text(raw);
    env[variable] = value;
    if (typeof raw !== 'string') resolutions.push({ functionId, variable, from: describeIntrinsic(raw), value });
  }
  return { functionId, env, resolutions };
}

/** Project-relative handler source of a function (its `omfordelning:entry` metadata), or undefined. */
export function entryOf(resources: Record<string, any>, functionId: string): string | undefined {
  const entry: unknown = resources[functionId]?.Metadata?.[ENTRY_METADATA];
  return typeof entry === 'string' && entry !== '' ? entry.replace(/^\.\//, '') : undefined;
}

/** The Lambda function a value points at (via Ref/GetAtt anywhere inside it, through aliases and versions). */
export function lambdaFunctionOf(resources: Record<string, any>, value: unknown): string | undefined {
  for (const id of collectRefs(value)) {
    let current: string | undefined = id;
    for (let hops = 0; current && hops < 3; hops++) {
      const r: any = resources[current];
      if (r?.Type === 'AWS::Lambda::Function') return current;
      current = r?.Type === 'AWS::Lambda::Alias' || r?.Type === 'AWS::Lambda::Version' ? collectRefs(r.Properties?.FunctionName)[0] : undefined;
    }
  }
  return undefined;
}

/** Logical ids named by Ref / Fn::GetAtt anywhere inside a value, in order. */
export function collectRefs(value: unknown, out: string[] = []): string[] {
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
