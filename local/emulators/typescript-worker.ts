/**
 * Worker threads and TypeScript: a worker starts as plain Node, without the tsx loader of
 * the main thread (under `node --import tsx` as well as under vitest).
 *  - The emulators' own worker code (dynamodb/worker.ts) is type-checked source like the
 *    rest, bundled by esbuild when the worker starts (some 30 ms; registering tsx in the
 *    worker instead costs some 300 ms) and run as plain JavaScript.
 *  - The functions' containers import the project's handlers, so they register tsx's ESM
 *    loader themselves (lambda/function-worker.ts), by the file URL this module finds.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** A worker running the module `entry` (a .ts file URL) bundled as CommonJS; npm packages stay external. */
export async function bundledWorker(entry: URL, workerData: unknown, options: Omit<WorkerOptions, 'eval' | 'workerData'> = {}): Promise<Worker> {
  const { build } = await import('esbuild');
  const { outputFiles } = await build({
    entryPoints: [fileURLToPath(entry)],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    packages: 'external',
    write: false,
    logLevel: 'error',
  });
  return new Worker(outputFiles[0]!.text, { execArgv: [], ...options, eval: true, workerData });
}

let tsxApi: string | undefined;

/** tsx's ESM register API as a file URL (its package's "import" export of ./esm/api). */
export function tsxEsmApiUrl(): string {
  if (tsxApi) return tsxApi;
  const require = createRequire(import.meta.url);
  const packageJson = require.resolve('tsx/package.json');
  const { exports } = require('tsx/package.json') as { exports: Record<string, any> };
  const target = exports['./esm/api']?.import;
  const file = typeof target === 'string' ? target : target?.default;
  if (typeof file !== 'string') throw new Error('tsx/package.json has no "import" export for ./esm/api');
  return (tsxApi = pathToFileURL(join(dirname(packageJson), file)).href);
}
