import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/build';
import { inProcessContext } from '../../infra/synth';

const outdirs: string[] = [];
afterAll(() => outdirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** The deployed app (cdk.json context), without esbuild: nag reads the construct tree only. */
function app(builtinValidation: boolean) {
  const outdir = mkdtempSync(join(tmpdir(), 'omfordelning-nag-'));
  outdirs.push(outdir);
  return buildApp(inProcessContext(), outdir, { builtinValidation }).app;
}

describe('cdk-nag AwsSolutions', () => {
  it('finds nothing that is not acknowledged (with a reason) in the constructs', () => {
    const subject = app(false);
    subject.synth();
    const report = new AwsSolutionsChecks(subject).validateScope(subject);
    const findings = report.violations.map(
      (v) => `${v.severity} ${v.ruleName}: ${v.description} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
    );
    expect(findings).toEqual([]);
  });

  // What `cdk synth` does with the pack registered, plus CDK's built-in CloudFormation
  // validation (off in synthesizeTemplate for speed): synthesis must not be interrupted.
  it('lets synthesis pass with the pack registered as a validation plugin', { timeout: 120_000 }, () => {
    const subject = app(true);
    Validations.of(subject).addPlugins(new AwsSolutionsChecks(subject));
    expect(() => subject.synth()).not.toThrow();
  });
});
