import { App } from 'aws-cdk-lib';
import { OmfordelningStack } from './stack';

export const STACK_NAME = 'Omfordelning';

/** Single place that assembles the app, shared by the CDK CLI entry and in-process synthesis. */
export function buildApp(
  context?: Record<string, unknown>,
  outdir?: string,
): { app: App; stack: OmfordelningStack } {
  const app = new App({ ...(context && { context }), ...(outdir && { outdir }) });
  const stack = new OmfordelningStack(app, STACK_NAME);
  return { app, stack };
}
