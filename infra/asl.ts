/**
 * The yearly state machine's definition read back from the synthesized CloudFormation
 * template, as plain Amazon States Language: for tests (asl-validator) and for the local
 * stack, which runs the very definition the cloud runs.
 *
 * Pure functions over the template's JSON: no aws-cdk-lib, no file system.
 */

import { ENTRY_METADATA_KEY } from './metadata';

/** Values for pseudo parameters, when none are given. */
export const LOCAL_PSEUDO_PARAMETERS: Readonly<Record<string, string>> = {
  'AWS::Partition': 'aws',
  'AWS::Region': 'eu-north-1',
  'AWS::AccountId': '000000000000',
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': 'Omfordelning',
};

export interface ResolveOptions {
  /** Pseudo parameter values (`Ref: AWS::Region`, …), over LOCAL_PSEUDO_PARAMETERS. */
  pseudo?: Record<string, string>;
  /** Value of `Ref: <logicalId>` of a resource; default: an error (the definition has none today). */
  refOf?: (logicalId: string) => string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Template = { Resources?: Record<string, { Type?: string; Properties?: any; Metadata?: Record<string, unknown> }> };

/** Logical id of the template's one AWS::StepFunctions::StateMachine. */
export function stateMachineLogicalId(template: Template): string {
  const ids = Object.entries(template.Resources ?? {})
    .filter(([, r]) => r.Type === 'AWS::StepFunctions::StateMachine')
    .map(([id]) => id);
  if (ids.length !== 1) throw new Error(`Expected one AWS::StepFunctions::StateMachine in the template, found ${ids.length}`);
  return ids[0]!;
}

/**
 * The state machine's ASL, with every `Fn::GetAtt [X, Arn]` replaced by `arnOf(X)` and
 * pseudo parameters by local values.
 */
export function resolvedDefinition(template: Template, arnOf: (logicalId: string) => string, options: ResolveOptions = {}): Record<string, any> {
  const id = stateMachineLogicalId(template);
  const properties = template.Resources![id]!.Properties ?? {};
  if (properties.Definition !== undefined && properties.DefinitionString === undefined) {
    // Definition as an object (not what CDK emits, but valid CloudFormation).
    return JSON.parse(JSON.stringify(resolveDeep(properties.Definition, arnOf, options)));
  }
  if (properties.DefinitionString === undefined) throw new Error(`State machine ${id} has no DefinitionString`);
  const text = resolveString(properties.DefinitionString, arnOf, options);
  return JSON.parse(text);
}

/**
 * Handler source (the function's `omfordelning:entry` metadata) of every Task state's Lambda,
 * by state name, including the states inside Map and Parallel states.
 */
export function taskEntries(template: Template): Record<string, string> {
  const resources = template.Resources ?? {};
  const marker = 'arn:omfordelning:lambda:local:0:function:';
  const definition = resolvedDefinition(template, (logicalId) => `${marker}${logicalId}`);
  const entries: Record<string, string> = {};
  for (const [name, state] of allStates(definition)) {
    if (state.Type !== 'Task') continue;
    const resource = String(state.Resource ?? '');
    // Plain function ARN (payloadResponseOnly) or the lambda:invoke integration with FunctionName.
    const functionArn = resource.startsWith(marker) ? resource : String(state.Parameters?.FunctionName ?? '');
    if (!functionArn.startsWith(marker)) throw new Error(`Task state '${name}' does not invoke a Lambda function of this template`);
    const logicalId = functionArn.slice(marker.length).split(':')[0]!;
    const entry = resources[logicalId]?.Metadata?.[ENTRY_METADATA_KEY];
    if (typeof entry !== 'string') throw new Error(`Function ${logicalId} of task state '${name}' has no ${ENTRY_METADATA_KEY} metadata`);
    entries[name] = entry;
  }
  return entries;
}

/** Every state of a definition, with its name, depth first (Map ItemProcessor/Iterator and Parallel Branches included). */
export function allStates(definition: Record<string, any>): [string, Record<string, any>][] {
  const found: [string, Record<string, any>][] = [];
  const visit = (machine: Record<string, any> | undefined) => {
    for (const [name, state] of Object.entries<Record<string, any>>(machine?.States ?? {})) {
      found.push([name, state]);
      visit(state.ItemProcessor);
      visit(state.Iterator);
      for (const branch of state.Branches ?? []) visit(branch);
    }
  };
  visit(definition);
  return found;
}

function resolveString(value: unknown, arnOf: (logicalId: string) => string, options: ResolveOptions): string {
  const resolved = resolveDeep(value, arnOf, options);
  if (typeof resolved !== 'string') throw new Error(`Expected a string, got ${JSON.stringify(value)}`);
  return resolved;
}

function resolveDeep(value: unknown, arnOf: (logicalId: string) => string, options: ResolveOptions): Json {
  if (value === null || typeof value !== 'object') return value as Json;
  if (Array.isArray(value)) return value.map((v) => resolveDeep(v, arnOf, options));
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object);
  if (keys.length === 1) {
    const [key] = keys as [string];
    const arg = object[key];
    if (key === 'Fn::Join') {
      const [separator, parts] = arg as [string, unknown[]];
      return parts.map((p) => resolveString(p, arnOf, options)).join(separator);
    }
    if (key === 'Fn::GetAtt') {
      const [logicalId, attribute] = (typeof arg === 'string' ? arg.split('.') : arg) as [string, string];
      if (attribute !== 'Arn') throw new Error(`Unsupported Fn::GetAtt ${logicalId}.${attribute} in the definition`);
      return arnOf(logicalId);
    }
    if (key === 'Ref') {
      const name = String(arg);
      const pseudo = { ...LOCAL_PSEUDO_PARAMETERS, ...options.pseudo };
      if (name in pseudo) return pseudo[name]!;
      if (options.refOf) return options.refOf(name);
      throw new Error(`Unsupported Ref ${name} in the definition`);
    }
    if (key === 'Fn::Select') {
      const [index, list] = arg as [number | string, unknown];
      const items = resolveDeep(list, arnOf, options);
      if (!Array.isArray(items)) throw new Error('Fn::Select needs a list');
      return items[Number(index)] ?? null;
    }
    if (key === 'Fn::Split') {
      const [separator, source] = arg as [string, unknown];
      return resolveString(source, arnOf, options).split(separator);
    }
    if (key.startsWith('Fn::')) throw new Error(`Unsupported intrinsic ${key} in the definition`);
  }
  return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, resolveDeep(v, arnOf, options)]));
}
