import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildApp } from './build';
import { BadContextError, SiteNotBuiltError } from './constructs/web-app';

// The CLI sets CDK_OUTDIR, so App auto-synthesizes on exit.
try {
  const { app } = buildApp();
  // cdk-nag on every `cdk synth`/`deploy`: a finding that is not acknowledged (with a reason)
  // in its construct fails synthesis, as test/infra/nag.test.ts checks.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
} catch (error) {
  // Not a bug to debug but a step to take: say which, without a stack trace.
  if (!(error instanceof SiteNotBuiltError || error instanceof BadContextError)) throw error;
  console.error(error.message);
  process.exit(1);
}
