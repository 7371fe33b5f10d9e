import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROUTES, type RouteSpec } from '../../shared/http/routes';

/**
 * The layers point one way: domain ← app ← adapters ← functions. Read from every file's own
 * import statements (direct imports; what those import is checked where they live).
 */
const ROOT = resolve(__dirname, '../..');

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)));
}

/** Every module specifier a file imports or re-exports, statically or with import(). */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const found = [
    ...text.matchAll(/^\s*(?:import|export)\b[^'"]*?\bfrom\s*['"]([^'"]+)['"]/gm),
    ...text.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm),
    ...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
  ];
  return found.map((m) => m[1]!);
}

/** Where a relative import lands, from the project's root (packages stay as written). */
const target = (file: string, specifier: string): string => (specifier.startsWith('.') ? relative(ROOT, resolve(ROOT, dirname(file), specifier)) : specifier);

const FORBIDDEN_BELOW_ADAPTERS = [/^shared\/adapters(\/|$)/, /^shared\/http(\/|$)/, /^shared\/composition(\/|$)/, /^local(\/|$)/, /^functions(\/|$)/, /^@aws-sdk\//];

describe('the layers', () => {
  for (const layer of ['shared/domain', 'shared/app']) {
    it(`${layer} imports no adapter, no HTTP, no composition root, no emulator and no AWS SDK`, () => {
      const files = sources(layer);
      expect(files.length).toBeGreaterThan(0);
      const offending = files.flatMap((file) =>
        importsOf(file)
          .map((specifier) => target(file, specifier))
          .filter((to) => FORBIDDEN_BELOW_ADAPTERS.some((pattern) => pattern.test(to)))
          .map((to) => `${file} → ${to}`),
      );
      expect(offending).toEqual([]);
    });
  }

  it('sees the imports it looks for (the check would catch an adapter import)', () => {
    const file = 'shared/app/x.ts';
    expect(target(file, '../adapters/dynamodb/client')).toBe('shared/adapters/dynamodb/client');
    expect(importsOf('shared/composition/stores/table.ts').map((s) => target('shared/composition/stores/table.ts', s))).toContain('shared/adapters/dynamodb/client');
  });
});

describe('the routes', () => {
  const isStandalone = (r: RouteSpec) => r.standalone === true;

  it.each(ROUTES.filter((r) => !isStandalone(r)).map((r) => r.name))('functions/%s takes its schemas from its own declaration in ROUTES', (name) => {
    expect(readFileSync(join(ROOT, 'functions', name, 'index.ts'), 'utf8').match(/\broute\('([\w-]+)'\)/g)).toEqual([`route('${name}')`]);
  });

  const standalone: RouteSpec[] = ROUTES.filter(isStandalone);
  it('has standalone routes only where nothing is parsed or refused (health, the OpenAPI document, the counties)', () => {
    expect(standalone.map((r) => r.name)).toEqual(['health', 'openapi', 'list-counties']);
    for (const r of standalone) expect([r.public, r.params, r.query, r.body, r.errors]).toEqual([true, undefined, undefined, undefined, []]);
  });

  it.each(standalone.map((r) => r.name))('functions/%s (standalone) answers as its declaration says', async (name) => {
    const declared = ROUTES.find((r) => r.name === name) as RouteSpec;
    const { handler } = (await import(join(ROOT, 'functions', name, 'index.ts'))) as { handler: () => Promise<{ statusCode?: number; headers?: Record<string, unknown>; body?: string }> };
    const result = await handler();
    expect(result.statusCode).toBe(declared.ok.status);
    expect(result.headers?.['content-type']).toBe('application/json; charset=utf-8');
    expect(declared.ok.schema.safeParse(JSON.parse(result.body ?? '')).success).toBe(true);
  });
});

describe('the ledger', () => {
  it('is entered one way: only runCommand (shared/app/command.ts) runs the ledger service', () => {
    const importsExecute = /import\s*\{[^}]*(?<!type )\bexecute\b[^}]*\}\s*from\s*'[./]*(app\/)?ledger\/execute'/;
    const callers = ['shared', 'functions'].flatMap(sources).filter((file) => importsExecute.test(readFileSync(join(ROOT, file), 'utf8')));
    expect(callers).toEqual(['shared/app/command.ts']);
  });
});
