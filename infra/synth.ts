import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, STACK_NAME } from './build';

let cached: Record<string, any> | undefined;

// The CLI injects cdk.json's context (feature flags); do the same so tests see the deployed template.
export function cdkJsonContext(): Record<string, unknown> {
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
    const { app } = buildApp({ ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] }, outdir, {
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
