/**
 * The initial JavaScript of the built app: the entry script of web/dist/index.html and every
 * module it preloads, gzipped (level 9, what CloudFront and browsers negotiate is at most that
 * small). Lazily loaded chunks are not counted. Used by the build (which fails over budget)
 * and by `npm run bench:web`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export const INITIAL_JS_BUDGET_BYTES = 60 * 1024;

export interface InitialJs {
  files: { file: string; bytes: number; gzipBytes: number }[];
  gzipBytes: number;
}

export function initialJs(distDir: string): InitialJs {
  const html = readFileSync(join(distDir, 'index.html'), 'utf8');
  const refs = new Set<string>();
  for (const m of html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"/g)) refs.add(m[1]!);
  for (const m of html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)) refs.add(m[1]!);
  const files = [...refs].map((ref) => {
    const content = readFileSync(join(distDir, ref.replace(/^\//, '')));
    return { file: ref, bytes: content.length, gzipBytes: gzipSync(content, { level: 9 }).length };
  });
  return { files, gzipBytes: files.reduce((sum, f) => sum + f.gzipBytes, 0) };
}

export const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1).replace('.', ',')} KB`;
