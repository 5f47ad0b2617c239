import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { builtinModules } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, FileSystem, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bundledCode, esbuildCommandLine, LAMBDA_BUNDLING } from '../lib/constructs/lambda-bundle';
import { NOTIFIER_CATALOG_CONSTANT } from '../lib/schedule/notifier-catalog';
import { cdkJsonContext } from './support/cdk-context';

// The one test that bundles: every other synth skips bundling (test/support/cdk-context.ts).

const root = path.join(__dirname, '..');
const runtime = lambda.Runtime.NODEJS_24_X;

/** Every Lambda of the repository: lambda/<name>/handler.ts. */
const lambdas = fs
  .readdirSync(path.join(root, 'lambda'))
  .filter((name) => fs.existsSync(path.join(root, 'lambda', name, 'handler.ts')))
  .sort();
const entry = (name: string) => path.join(root, 'lambda', name, 'handler.ts');

type AddFunction = (stack: Stack, name: string) => lambda.Function;

/**
 * Constants a Lambda is bundled with (see `BundleConstants`): the notifier gets its catalog
 * this way, so the comparison includes one.
 */
const constants = (name: string): Record<string, string> =>
  name === 'notifier'
    ? { [NOTIFIER_CATALOG_CONSTANT]: JSON.stringify({ environment: { name: 'sandbox' }, jobs: {} }) }
    : {};

/** What the platform used before: NodejsFunction, with the same bundling props and runtime. */
const withNodejsFunction: AddFunction = (stack, name) =>
  new nodejs.NodejsFunction(stack, name, {
    entry: entry(name),
    handler: 'handler',
    runtime,
    projectRoot: root,
    depsLockFilePath: path.join(root, 'package-lock.json'),
    bundling: { ...LAMBDA_BUNDLING, define: constants(name) },
  });

/** What NodeFunction uses now: esbuild in-process. */
const withBundledCode: AddFunction = (stack, name) =>
  new lambda.Function(stack, name, {
    code: bundledCode(entry(name), runtime, constants(name)),
    handler: 'index.handler',
    runtime,
  });

const outdirs: string[] = [];
afterAll(() => {
  for (const outdir of outdirs) fs.rmSync(outdir, { recursive: true, force: true });
});

/**
 * A fresh folder for an assembly. All are siblings, so the bundles' source maps, which name
 * the sources relative to the bundle's folder, are comparable.
 */
function freshOutdir(): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'lambda-bundle-'));
  outdirs.push(outdir);
  return outdir;
}

interface Synthesized {
  /** Asset folder of each Lambda's function, by Lambda name. */
  readonly assets: Record<string, string>;
  /** Each Lambda's function resource, by Lambda name. */
  readonly functions: Record<string, { Handler: string; Code: { S3Key: string } }>;
  readonly outdir: string;
}

/** One app with one function per Lambda, synthesized (and bundled unless `skip`). */
function synthesize(add: AddFunction, skip = false): Synthesized {
  const outdir = freshOutdir();
  const app = new App({
    outdir,
    context: { ...cdkJsonContext(), ...(skip ? { 'aws:cdk:bundling-stacks': [] } : {}) },
  });
  const stack = new Stack(app, 'Bundles');
  const logicalIds = Object.fromEntries(
    lambdas.map((name) => {
      const fn = add(stack, name);
      return [name, stack.getLogicalId(fn.node.defaultChild as lambda.CfnFunction)];
    }),
  );
  app.synth();
  const resources = Template.fromStack(stack).findResources('AWS::Lambda::Function');
  const functions = Object.fromEntries(
    lambdas.map((name) => [
      name,
      resources[logicalIds[name]!]!['Properties'] as Synthesized['functions'][string],
    ]),
  );
  const assets = Object.fromEntries(
    lambdas.map((name) => [
      name,
      path.join(outdir, `asset.${functions[name]!.Code.S3Key.replace(/\.zip$/, '')}`),
    ]),
  );
  return { assets, functions, outdir };
}

/** sha256 of each file of an asset folder. */
function digests(folder: string): Record<string, string> {
  return Object.fromEntries(
    fs
      .readdirSync(folder)
      .sort()
      .map((file) => [
        file,
        createHash('sha256')
          .update(fs.readFileSync(path.join(folder, file)))
          .digest('hex'),
      ]),
  );
}

describe('Lambda bundles', () => {
  let old: Synthesized;
  let ours: Synthesized;

  beforeAll(() => {
    old = synthesize(withNodejsFunction);
    ours = synthesize(withBundledCode);
  });

  it('finds the five Lambdas', () => {
    expect(lambdas).toEqual(['job-lease', 'job-recorder', 'job-tasks', 'missed-runs', 'notifier']);
  });

  it('writes the constants into the bundle', () => {
    const js = fs.readFileSync(path.join(ours.assets['notifier']!, 'index.js'), 'utf8');
    expect(js).toContain('environment:{name:"sandbox"}');
    expect(js).not.toContain(NOTIFIER_CATALOG_CONSTANT);
  });

  it.each(lambdas)('%s: index.js and its source map are byte-identical to NodejsFunction', (name) => {
    const expected = digests(old.assets[name]!);
    expect(Object.keys(expected)).toEqual(['index.js', 'index.js.map']);
    expect(digests(ours.assets[name]!)).toEqual(expected);
  });

  it.each(lambdas)('%s: same handler and asset hash in the template', (name) => {
    expect(ours.functions[name]!.Handler).toBe('index.handler');
    expect(ours.functions[name]).toEqual(old.functions[name]);
  });

  it('requires only the AWS SDK (the runtime has it) and Node built-ins, and links the source map', () => {
    for (const name of lambdas) {
      const js = fs.readFileSync(path.join(ours.assets[name]!, 'index.js'), 'utf8');
      const required = [...js.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]!);
      expect(
        required.some((module) => module.startsWith('@aws-sdk/client-')),
        name,
      ).toBe(true);
      expect(
        // cron-parser (missed-runs) requires "fs" without the node: prefix: still a built-in.
        required.filter((module) => !/^(@aws-sdk\/|node:)/.test(module) && !builtinModules.includes(module)),
        name,
      ).toEqual([]);
      expect(js.trimEnd().endsWith('//# sourceMappingURL=index.js.map'), name).toBe(true);
    }
  });

  it("the Docker fallback's command line builds the same bundle, constants included", () => {
    // Run with the host's esbuild binary: the container runs the same version through npx.
    const name = 'notifier';
    const outfile = path.join(freshOutdir(), 'bundle', 'index.js');
    const esbuild = path.join(root, 'node_modules', '.bin', 'esbuild');
    const args = [...esbuildCommandLine(entry(name), outfile, constants(name)), '--log-level=warning'];
    const run = spawnSync(esbuild, args, {
      cwd: root,
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(digests(path.dirname(outfile))).toEqual(digests(ours.assets[name]!));
  });

  it('fails synth with the compiler error when a handler does not compile', () => {
    const broken = path.join(freshOutdir(), 'handler.ts');
    fs.writeFileSync(broken, 'export const handler = (;\n');
    const stack = new Stack(new App({ outdir: freshOutdir() }), 'Broken');
    // CDK bundles when the function binds its code, in the constructor.
    expect(
      () =>
        new lambda.Function(stack, 'Broken', {
          code: bundledCode(broken, runtime),
          handler: 'index.handler',
          runtime,
        }),
    ).toThrow(/Failed to bundle asset Broken\/Broken\/Code\/Stage.*handler\.ts:1:24: ERROR: Unexpected ";"/s);
  });
});

describe('Lambda bundles when a synth skips bundling', () => {
  it('neither bundles nor reads the project folder to hash it', () => {
    const fingerprint = vi.spyOn(FileSystem, 'fingerprint');
    try {
      const { functions, outdir } = synthesize(withBundledCode, true);
      expect(fingerprint).not.toHaveBeenCalled();
      expect(fs.readdirSync(outdir).filter((file) => /^(asset|bundling-temp)/.test(file))).toEqual([]);
      for (const name of lambdas) expect(functions[name]!.Code.S3Key).toMatch(/^[0-9a-f]{64}\.zip$/);
    } finally {
      fingerprint.mockRestore();
    }
  });
});
