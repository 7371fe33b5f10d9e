import { statSync } from 'node:fs';
import { join } from 'node:path';
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { LAMBDA_BUNDLING, bundleDefines, esbuildOptions } from '../infra/bundling';

/** How a handler is bundled for `npm run bench:cold`. */
export type Variant =
  /** As the CDK app deploys it by default (LAMBDA_BUNDLING, AWS calls not traced). */
  | 'deployed'
  /** As deployed with the setting traceAwsCalls: the Powertools Tracer in the bundle. */
  | 'traced'
  /** LAMBDA_BUNDLING with the AWS SDK left out: imported from node_modules at run time, as from the runtime's copy. */
  | 'runtime-sdk'
  /** Everything bundled, no minification, no tree shaking, the packages' default (CommonJS) builds. */
  | 'naive';

export interface Bundle {
  /** The bundle's index.mjs. */
  file: string;
  bytes: number;
  /** The AWS SDK packages the bundle contains or imports (@aws-sdk/client-dynamodb, @aws-sdk/lib-dynamodb, …). */
  sdkPackages: string[];
}

const { bundle, platform, format, target, banner, logLevel } = LAMBDA_BUNDLING;
const OPTIONS: Record<Variant, BuildOptions> = {
  deployed: esbuildOptions(false),
  traced: esbuildOptions(true),
  'runtime-sdk': { ...esbuildOptions(false), external: [...LAMBDA_BUNDLING.external, '@aws-sdk/*'] },
  naive: { bundle, platform, format, target, banner, logLevel, minify: false, treeShaking: false, define: bundleDefines(false) },
};

/**
 * Bundles handler sources in one esbuild run (they share the parsing of their dependencies),
 * each into `outdir/<name>/index.mjs`, the name NodejsFunction gives an ESM bundle.
 */
export async function bundleHandlers(entries: Record<string, string>, outdir: string, variant: Variant): Promise<Map<string, Bundle>> {
  const options = OPTIONS[variant];
  const { metafile } = await build({
    ...options,
    entryPoints: Object.entries(entries).map(([name, entry]) => ({ in: entry, out: `${name}/index` })),
    outdir,
    outExtension: { '.js': '.mjs' },
    metafile: true,
  });
  const outputs = Object.entries(metafile.outputs);
  return new Map(
    Object.keys(entries).map((name) => {
      const file = join(outdir, name, 'index.mjs');
      const output = outputs.find(([path]) => path.endsWith(`/${name}/index.mjs`))?.[1];
      if (!output) throw new Error(`esbuild wrote no bundle for ${name}`);
      return [name, { file, bytes: statSync(file).size, sdkPackages: sdkPackagesOf(output) }];
    }),
  );
}

/** The @aws-sdk packages a bundle holds (its inputs) or imports (its externals). */
function sdkPackagesOf(output: Metafile['outputs'][string]): string[] {
  const held = Object.keys(output.inputs).map((path) => /node_modules\/(@aws-sdk\/[^/]+)\//.exec(path)?.[1]);
  const imported = output.imports.map(({ path, external }) => (external ? /^(@aws-sdk\/[^/]+)/.exec(path)?.[1] : undefined));
  return [...new Set([...held, ...imported].filter((name): name is string => name !== undefined))].sort();
}
