import { App } from 'aws-cdk-lib';
import { OmfordelningStack } from './stack';

export const STACK_NAME = 'Omfordelning';

export interface BuildOptions {
  /**
   * Run CDK's built-in CloudFormation validation during synth. It is thorough but slow
   * (a WASM rule engine: ~1.5 s idle, ~10 s on a busy machine), so in-process test synthesis
   * turns it off; `cdk synth` and the nag test keep it on.
   * @default true
   */
  builtinValidation?: boolean;
}

/** Single place that assembles the app, shared by the CDK CLI entry and in-process synthesis. */
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
  const stack = new OmfordelningStack(app, STACK_NAME);
  return { app, stack };
}
