/**
 * The yearly state machine's definition read back from the synthesized CloudFormation
 * template, as plain Amazon States Language: for the infra tests (asl-validator) and for the
 * local Step Functions, which runs the very definition the cloud runs. Intrinsics are
 * resolved by the same Resolver as the functions' environment. Pure: no I/O.
 */
import { entryOf } from './functions';
import { ENTRY_METADATA, Resolver, type LocalValues, type Template } from './resolver';

export interface ResolveOptions {
  /** Pseudo parameter values (`Ref: AWS::Region`, …), over the local ones. */
  pseudo?: Record<string, string>;
}

/** Logical id of the template's one AWS::StepFunctions::StateMachine. */
export function stateMachineLogicalId(template: Template): string {
  const ids = Object.entries(template.Resources ?? {})
    .filter(([, r]) => r?.Type === 'AWS::StepFunctions::StateMachine')
    .map(([id]) => id);
  if (ids.length !== 1) throw new Error(`Expected one AWS::StepFunctions::StateMachine in the template, found ${ids.length}`);
  return ids[0]!;
}

/** The template has exactly one state machine (the local Step Functions runs it). */
export function hasStateMachine(template: Template): boolean {
  return Object.values(template.Resources ?? {}).some((r) => r?.Type === 'AWS::StepFunctions::StateMachine');
}

/**
 * The state machine's ASL, with every `Fn::GetAtt [X, Arn]` replaced by `arnOf(X)` and
 * pseudo parameters by local values.
 */
export function resolvedDefinition(template: Template, arnOf: (logicalId: string) => string, options: ResolveOptions = {}): Record<string, any> {
  const id = stateMachineLogicalId(template);
  const properties = template.Resources![id]!.Properties ?? {};
  const local: LocalValues = { arnOf, ...(options.pseudo && { pseudo: options.pseudo }) };
  const resolver = new Resolver(template, local);
  if (properties.Definition !== undefined && properties.DefinitionString === undefined) {
    // Definition as an object (not what CDK emits, but valid CloudFormation).
    return resolver.resolve(properties.Definition) as Record<string, any>;
  }
  if (properties.DefinitionString === undefined) throw new Error(`State machine ${id} has no DefinitionString`);
  const text = resolver.resolve(properties.DefinitionString);
  if (typeof text !== 'string') throw new Error(`Expected a string, got ${JSON.stringify(properties.DefinitionString)}`);
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
    const entry = entryOf(resources, logicalId);
    if (entry === undefined) throw new Error(`Function ${logicalId} of task state '${name}' has no ${ENTRY_METADATA} metadata`);
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
