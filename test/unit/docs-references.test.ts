/**
 * References into the design documents stay true: a comment, test or document that says
 * `docs/<file>.md "<Section>"` (or `README "<Section>"`) names a file and a heading that
 * exist, no reference to the design document leaves out its path, and every source path the
 * documents in docs/ name exists. Moving a file or renaming a heading fails here, not in a
 * reader's hands.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const THIS_FILE = relative(ROOT, fileURLToPath(import.meta.url));
/** Generated, installed or local-only directories: not the project's text. */
const SKIPPED = new Set(['node_modules', 'dist', 'cdk.out']);

function textFiles(dir = ROOT): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name.startsWith('.') || SKIPPED.has(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return textFiles(path);
    return /\.(ts|tsx|md)$/.test(entry.name) ? [relative(ROOT, path)] : [];
  });
}

/** The headings of a Markdown file, outside fenced code blocks. */
function headings(file: string): Set<string> {
  const found = new Set<string>();
  let fenced = false;
  for (const line of readFileSync(join(ROOT, file), 'utf8').split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const heading = !fenced && /^#{1,6}\s+(.+?)\s*$/.exec(line);
    if (heading) found.add(heading[1]!);
  }
  return found;
}

const REFERENCE = /\b(docs\/[\w-]+\.md|README(?:\.md)?) "([^"\n]+)"/g;
/** Backticked paths in a document that start in one of the project's folders (docs/ too: the documents name each other). */
const SOURCE_PATH = /`((?:shared|functions|infra|local|test|scripts|web\/src|docs)\/[^`\s]*)`/g;

const files = textFiles().filter((file) => file !== THIS_FILE);
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

describe('design document references', () => {
  it('name a document and a heading that exist', () => {
    const broken: string[] = [];
    let checked = 0;
    for (const file of files) {
      for (const [, target, section] of read(file).matchAll(REFERENCE)) {
        checked++;
        const document = target!.startsWith('README') ? 'README.md' : target!;
        if (!existsSync(join(ROOT, document))) broken.push(`${file}: ${target} does not exist`);
        else if (!headings(document).has(section!)) broken.push(`${file}: ${document} has no heading "${section}"`);
      }
    }
    expect(broken).toEqual([]);
    expect(checked).toBeGreaterThan(10);
  });

  it('always give the design document with its path', () => {
    const bare = files.flatMap((file) =>
      [...read(file).matchAll(/DESIGN/g)]
        .filter(({ index, input }) => input.slice(index - 'docs/'.length, index + 'DESIGN.md'.length) !== 'docs/DESIGN.md')
        .map(({ index, input }) => `${file}: …${input.slice(Math.max(0, index - 20), index + 30)}…`),
    );
    expect(bare).toEqual([]);
  });

  it('in docs/ name source paths that exist', () => {
    const named = files
      .filter((file) => file.startsWith('docs/'))
      .flatMap((file) => [...read(file).matchAll(SOURCE_PATH)].map(([, path]) => ({ file, path: path! })))
      // Patterns and placeholders (`functions/cycle-*/index.ts`, `<dataDir>/…`) name no one file.
      .filter(({ path }) => !/[<>*{}…]/.test(path));
    expect(named.filter(({ path }) => !existsSync(join(ROOT, path))).map(({ file, path }) => `${file}: ${path}`)).toEqual([]);
    expect(named.length).toBeGreaterThan(20);
  });
});
