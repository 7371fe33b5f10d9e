import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp, STACK_NAME } from './build';
import { LOCAL_SETTINGS } from './settings';

/**
 * A stand-in for the web app's build (an index.html and one script): in-process synthesis
 * reads the template and never deploys it, so it needs no `npm run build:web`. The CDK CLI
 * (infra/app.ts) takes `web/dist` or context `webDist`, and fails without it.
 */
const WEB_DIST_FIXTURE = fileURLToPath(new URL('../test/infra/fixtures/web', import.meta.url));

/**
 * Context of in-process synthesis: cdk.json's flags, no esbuild, the site fixture, and the
 * local settings (stage `local`, addresses under example.se) so nobody has to give them.
 */
export function inProcessContext(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...cdkJsonContext(), ...LOCAL_SETTINGS, 'aws:cdk:bundling-stacks': [], webDist: WEB_DIST_FIXTURE, ...extra };
}

let cached: Record<string, any> | undefined;

// The CLI injects cdk.json's context (feature flags); do the same so tests see the deployed template.
function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(new URL('../cdk.json', import.meta.url), 'utf8'));
  return cdkJson.context ?? {};
}

/** CloudFormation template of the stack, synthesized once per process. Treat as read-only. */
export function synthesizeTemplate(): Record<string, any> {
  if (cached) return cached;
  const outdir = mkdtempSync(join(tmpdir(), 'omfordelning-synth-'));
  try {
    // Empty bundling-stacks: NodejsFunctions get placeholder assets instead of running esbuild.
    // No built-in CloudFormation validation: it dominates synth time; `cdk synth` still runs it.
    const { app } = buildApp(inProcessContext(), outdir, {
      builtinValidation: false,
    });
    // Read the template before removing outdir: the artifact loads it lazily from disk.
    const template: Record<string, any> = app.synth().getStackByName(STACK_NAME).template;
    cached = template;
    return template;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
