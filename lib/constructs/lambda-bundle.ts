import * as path from 'node:path';
import { AssetHashType, type BundlingOptions, type ILocalBundling, PERF_BUNDLING_SRC_SYM } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as esbuild from 'esbuild';

/**
 * How every batch-platform Lambda is bundled, written as `NodejsFunction` bundling props:
 * the bundler below builds exactly what `NodejsFunction` builds with these, and
 * test/lambda-bundle.test.ts builds every Lambda both ways and compares the bytes.
 */
export const LAMBDA_BUNDLING: Required<
  Pick<nodejs.BundlingOptions, 'target' | 'minify' | 'sourceMap' | 'externalModules'>
> = {
  target: 'node24',
  minify: true,
  sourceMap: true,
  // The Node.js runtime ships AWS SDK v3: bundling it would add ~900 KB per function
  // and slow every cold start. zod and Powertools are bundled (tree-shaken).
  externalModules: ['@aws-sdk/*'],
};

/**
 * The repository root, as `NodejsFunction` finds it (the folder of the lock file): esbuild
 * runs here, and it is the asset's source, mounted as /asset-input when bundling in Docker.
 */
const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/** The file the Lambda runtime loads for the handler `index.handler`. */
const OUTPUT_FILE = 'index.js';

/** The esbuild options of one function: what `NodejsFunction` passes on its command line. */
interface FunctionBuild extends esbuild.BuildOptions {
  readonly entryPoints: string[];
  readonly target: string;
  readonly platform: 'node';
  readonly format: 'cjs';
  readonly outfile: string;
  readonly minify: boolean;
  readonly sourcemap: boolean;
  readonly external: string[];
  readonly define: Record<string, string>;
}

/**
 * Constants written into the bundle at synth (esbuild `define`: identifier → JSON text), for
 * data generated from the config that is too big for environment variables (4 KB), such as
 * the notifier's job list. The asset hash covers them: a changed value is a new bundle.
 */
export type BundleConstants = Readonly<Record<string, string>>;

function functionBuild(entry: string, outfile: string, define: BundleConstants = {}): FunctionBuild {
  return {
    entryPoints: [entry],
    bundle: true,
    target: LAMBDA_BUNDLING.target,
    platform: 'node',
    format: 'cjs',
    outfile,
    minify: LAMBDA_BUNDLING.minify,
    sourcemap: LAMBDA_BUNDLING.sourceMap,
    external: LAMBDA_BUNDLING.externalModules,
    define: { ...define },
  };
}

/**
 * The same build as arguments of esbuild's command line: what the Docker fallback runs
 * (`NodejsFunction` runs these flags too, with `--format` left to its default, cjs).
 */
export function esbuildCommandLine(entry: string, outfile: string, define: BundleConstants = {}): string[] {
  const build = functionBuild(entry, outfile, define);
  return [
    '--bundle',
    ...build.entryPoints,
    `--target=${build.target}`,
    `--platform=${build.platform}`,
    `--format=${build.format}`,
    `--outfile=${build.outfile}`,
    ...(build.minify ? ['--minify'] : []),
    ...(build.sourcemap ? ['--sourcemap'] : []),
    ...build.external.map((module) => `--external:${module}`),
    ...Object.entries(build.define).map(([name, value]) => `--define:${name}=${value}`),
  ];
}

/**
 * Builds with esbuild's JS API from the synth process. `NodejsFunction` runs
 * `npx --no-install esbuild` for every function, a Node and npm start-up each (≈0.5 s on
 * 2 cores); the API starts the esbuild binary once, from a worker thread, and reuses it.
 */
class InProcessEsbuild implements ILocalBundling {
  // Both are fields: CDK keys its bundling cache on this object's JSON, so two bundles of one
  // entry with different constants are never taken for each other.
  constructor(
    private readonly entry: string,
    private readonly define: BundleConstants,
  ) {}

  public tryBundle(outputDir: string): boolean {
    try {
      esbuild.buildSync({
        ...functionBuild(this.entry, path.join(outputDir, OUTPUT_FILE), this.define),
        absWorkingDir: PROJECT_ROOT,
      });
      return true;
    } catch (error) {
      // A build failure (the code does not compile) fails the same way in Docker: report it.
      if (isBuildFailure(error)) throw error;
      // Anything else means esbuild cannot run here, e.g. node_modules installed for
      // another platform (no native binary for this one).
      process.stderr.write(
        `esbuild cannot run in this process (${String(error)}); bundling ${path.relative(PROJECT_ROOT, this.entry)} in Docker instead.\n`,
      );
      return false;
    }
  }
}

function isBuildFailure(error: unknown): error is esbuild.BuildFailure {
  return error instanceof Error && Array.isArray((error as Partial<esbuild.BuildFailure>).errors);
}

/**
 * The code of a Node.js function bundled from `entry` (a handler.ts) into `index.js` and its
 * source map, as `NodejsFunction` bundles it but with esbuild in-process.
 *
 * - The asset hash is the bundle's (`AssetHashType.OUTPUT`, as `NodejsFunction`): a source
 *   change that leaves the bundle as it was does not change the template. When a test skips
 *   bundling (`aws:cdk:bundling-stacks: []`), CDK hashes the construct path and these
 *   options instead, without fingerprinting the project folder.
 * - When esbuild cannot run locally, CDK runs the same build in the runtime's SAM build
 *   image (needs Docker and the npm registry, for esbuild at the version installed here).
 *   Its source map names the sources from /asset-output, so its asset hash differs.
 */
export function bundledCode(
  entry: string,
  runtime: lambda.Runtime,
  define: BundleConstants = {},
): lambda.AssetCode {
  const entryInContainer = path.posix.join(
    '/asset-input',
    ...path.relative(PROJECT_ROOT, entry).split(path.sep),
  );
  const outfileInContainer = path.posix.join('/asset-output', OUTPUT_FILE);
  const bundling: BundlingOptions & { [PERF_BUNDLING_SRC_SYM]: string } = {
    local: new InProcessEsbuild(entry, define),
    image: runtime.bundlingImage,
    // Outside /asset-input, or npx would run the esbuild of the mounted node_modules, whose
    // native binary is the host's.
    workingDirectory: '/tmp',
    command: [
      'npx',
      '--yes',
      `esbuild@${esbuild.version}`,
      ...esbuildCommandLine(entryInContainer, outfileInContainer, define),
    ],
    // The container runs as the host's user, who has no writable home for npm's cache.
    environment: { npm_config_cache: '/tmp/npm-cache', npm_config_update_notifier: 'false' },
    // Names this bundler in CDK's performance counters (`bundle:NodeFunction`).
    [PERF_BUNDLING_SRC_SYM]: 'NodeFunction',
  };
  return lambda.Code.fromAsset(PROJECT_ROOT, { assetHashType: AssetHashType.OUTPUT, bundling });
}
