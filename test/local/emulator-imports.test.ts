/**
 * The emulators (local/emulators) stand in for AWS services and know nothing of the project:
 * they import Node's modules, npm packages and each other, never shared/ (or infra/,
 * functions/, the stack, the tools). What they need from the project comes from the
 * synthesized template or is passed in by local/stack.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../support/local-stack';

const EMULATORS = join(PROJECT_ROOT, 'local', 'emulators');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.[cm]?[jt]s$/.test(entry.name) ? [path] : [];
  });
}

/** Every module specifier of a file: static imports and exports, `import type`, dynamic `import()` and `typeof import()`. */
function specifiers(file: string): string[] {
  return ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map((f) => f.fileName);
}

/** Why `specifier` (imported by `file`) is not allowed, or undefined when it is. */
function refusal(file: string, specifier: string): string | undefined {
  if (specifier.startsWith('node:')) return undefined;
  if (!specifier.startsWith('.') && !specifier.startsWith('/')) return undefined; // an npm package
  const target = resolve(dirname(file), specifier);
  if (target === EMULATORS || target.startsWith(EMULATORS + sep)) return undefined;
  return `${relative(PROJECT_ROOT, file)} imports ${specifier} (${relative(PROJECT_ROOT, target)}), outside local/emulators`;
}

describe('the emulators', () => {
  const files = sourceFiles(EMULATORS);

  it('are all read (one folder per service, the CloudFormation layer among them)', () => {
    const folders = new Set(files.map((f) => relative(EMULATORS, f).split(sep)[0]));
    for (const folder of ['api-gateway', 'lambda', 'dynamodb', 'step-functions', 'ses', 'cloudformation']) expect(folders).toContain(folder);
  });

  it('import only node:, npm packages and each other (nothing from shared/, infra/, the stack or the tools)', () => {
    const refused = files.flatMap((file) => specifiers(file).flatMap((s) => refusal(file, s) ?? []));
    expect(refused).toEqual([]);
  });

  it('would be caught importing shared/', () => {
    const file = join(EMULATORS, 'dynamodb', 'dynalite.ts');
    expect(refusal(file, '../../../shared/adapters/dynamodb/client')).toMatch(/outside local\/emulators/);
    expect(refusal(file, '../../stack')).toMatch(/outside local\/emulators/);
    expect(refusal(file, '../metrics')).toBeUndefined();
    expect(refusal(file, 'node:fs')).toBeUndefined();
    expect(refusal(file, '@aws-sdk/client-dynamodb')).toBeUndefined();
  });
});
