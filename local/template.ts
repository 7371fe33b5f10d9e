/**
 * The synthesized template the local stack reads, kept between starts: synthesizing the CDK
 * app (aws-cdk-lib) costs seconds at every `npm start`, while the template only changes with
 * its sources. The cache (`.cache/local-template.json`, one entry) is keyed by a hash of
 * every file the synthesis reads: infra/, shared/, functions/, cdk.json, package-lock.json
 * and the web fixture the in-process synthesis uses.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SOURCES = ['infra', 'shared', 'functions', 'cdk.json', 'package-lock.json', 'test/infra/fixtures/web'];
const CACHE_FILE = join('.cache', 'local-template.json');

/** The template of the project at `root`: from the cache when its sources are unchanged, else synthesized (and cached). */
export async function localTemplate(root: string): Promise<Record<string, any>> {
  const key = sourcesHash(root);
  const path = join(root, CACHE_FILE);
  try {
    const cached = JSON.parse(readFileSync(path, 'utf8')) as { key: string; template: Record<string, any> };
    if (cached.key === key) return cached.template;
  } catch {
    // No cache yet, or an unreadable one: synthesize.
  }
  const { synthesizeTemplate } = await import('../infra/synth');
  const template = synthesizeTemplate();
  try {
    mkdirSync(join(root, '.cache'), { recursive: true });
    writeFileSync(`${path}.${process.pid}`, JSON.stringify({ key, template }));
    renameSync(`${path}.${process.pid}`, path);
  } catch {
    // A read-only checkout: the next start synthesizes again.
  }
  return template;
}

/** SHA-256 over the paths and contents of the sources, in a stable order. */
function sourcesHash(root: string): string {
  const hash = createHash('sha256');
  const visit = (relative: string) => {
    const path = join(root, relative);
    let entries;
    try {
      entries = readdirSync(path, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOTDIR') return;
      hash.update(`${relative}\0`).update(readFileSync(path)).update('\0');
      return;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) visit(join(relative, entry.name));
  };
  for (const source of SOURCES) visit(source);
  return hash.digest('hex');
}
