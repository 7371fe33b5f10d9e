import { buildApp } from './build';
import { BadContextError, SiteNotBuiltError } from './constructs/web-app';

// The CLI sets CDK_OUTDIR, so App auto-synthesizes on exit.
try {
  buildApp();
} catch (error) {
  // Not a bug to debug but a step to take: say which, without a stack trace.
  if (!(error instanceof SiteNotBuiltError || error instanceof BadContextError)) throw error;
  console.error(error.message);
  process.exit(1);
}
