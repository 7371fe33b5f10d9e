import { App, Tags } from 'aws-cdk-lib';
import { deploymentSettings, LOCAL_SETTINGS, stackNameFor } from './settings';
import { OmfordelningStack } from './stack';

/** The stack of in-process synthesis (tests, the local stack): stage `local`. */
export const STACK_NAME = stackNameFor(LOCAL_SETTINGS.stage);

/** Tags on every resource (and on the stack), so that costs and resources sort by stage. */
export const TAG_SYSTEM = 'omfordelning:system';
export const TAG_STAGE = 'omfordelning:stage';

/** Resource types whose CloudFormation schema takes no tags. */
const UNTAGGABLE = ['AWS::CloudWatch::Dashboard'];

export interface BuildOptions {
  /**
   * Run CDK's built-in CloudFormation validation during synth. It is thorough but slow
   * (a WASM rule engine: ~1.5 s idle, ~10 s on a busy machine), so in-process test synthesis
   * turns it off; `cdk synth` and the nag test keep it on.
   * @default true
   */
  builtinValidation?: boolean;
}

/**
 * Single place that assembles the app, shared by the CDK CLI entry and in-process synthesis.
 * The settings are read first: a missing one throws BadContextError before anything is built.
 */
export function buildApp(
  context?: Record<string, unknown>,
  outdir?: string,
  options: BuildOptions = {},
): { app: App; stack: OmfordelningStack } {
  const app = new App({
    ...(context && { context }),
    ...(outdir && { outdir }),
    builtinCloudFormationValidation: options.builtinValidation ?? true,
  });
  const settings = deploymentSettings((key) => app.node.tryGetContext(key));
  const tags = { [TAG_SYSTEM]: 'omfordelning', [TAG_STAGE]: settings.stage };
  const stack = new OmfordelningStack(app, stackNameFor(settings.stage), { settings, tags });
  // cfn-lint's schema of AWS::CloudWatch::Dashboard has no Tags (E3002), though CDK writes them.
  for (const [key, value] of Object.entries(tags)) Tags.of(stack).add(key, value, { excludeResourceTypes: UNTAGGABLE });
  return { app, stack };
}
