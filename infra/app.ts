import { buildApp } from './build';

// The CLI sets CDK_OUTDIR, so App auto-synthesizes on exit.
buildApp();
