import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { INITIAL_JS_BUDGET_BYTES, initialJs, kb } from './build-size.ts';

const root = fileURLToPath(new URL('.', import.meta.url));

/** Prints the initial JavaScript (gzipped) after the build and fails it over the 60 KB budget. */
function initialJsBudget(): Plugin {
  let outDir = '';
  return {
    name: 'initial-js-budget',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      const size = initialJs(outDir);
      const line = `Initial JS: ${kb(size.gzipBytes)} gzippat (budget ${kb(INITIAL_JS_BUDGET_BYTES)}): ${size.files.map((f) => `${f.file} ${kb(f.gzipBytes)}`).join(', ')}`;
      console.log(line);
      if (size.gzipBytes > INITIAL_JS_BUDGET_BYTES) throw new Error(`${line}: över budget.`);
    },
  };
}

export default defineConfig({
  root,
  base: '/',
  publicDir: false,
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { outDir: process.env.WEB_OUT_DIR ?? 'dist', emptyOutDir: true, target: 'es2022', sourcemap: false, reportCompressedSize: false },
  plugins: [initialJsBudget()],
});
