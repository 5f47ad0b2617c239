/**
 * Scale benchmark: synthesizes the platform with N generated jobs and reports wall time,
 * stacks, the largest stack (resources, bytes) and resources per job, beside a baseline of
 * one aws-ecs-patterns ScheduledFargateTask per job in one stack.
 *
 *   npm run bench -- --jobs 30,300,1000 [--json] [--repeat 3]
 *
 * Each measurement runs in a fresh Node process and does what `cdk synth` does: validate
 * config, build, bundle the Lambdas with esbuild, synthesize, run cdk-nag, the template-limit
 * check and CDK's built-in CloudFormation validation. `seconds` is that process's wall time;
 * `synthSeconds` (table: in brackets) leaves out process start-up and module loading.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as ecsPatterns from 'aws-cdk-lib/aws-ecs-patterns';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import { loadConfig, type PlatformConfig } from '../lib/config';
import { parseSchedules } from '../lib/config/schedule-schema';
import { createApp } from '../lib/stages/create-app';
import { MAX_RESOURCES, MAX_TEMPLATE_BYTES } from '../lib/stages/template-limits';
import { cdkJsonContext } from '../test/support/cdk-context';

interface CfnResourceJson {
  Type: string;
  Metadata?: Record<string, string>;
}

interface Row {
  jobs: number;
  seconds: number;
  stacks: number;
  maxResourcesPerStack: number;
  maxTemplateBytes: number;
  resourcesPerJob: number;
  baseline: boolean;
  /** Baseline only: false when one stack cannot hold N jobs. */
  fits?: boolean;
  /** Bytes of each Lambda's bundled index.js, by function logical id. */
  bundles: Record<string, number>;
}

const CRONS = [
  '*/5 * * * ? *',
  '0 * * * ? *',
  '0 3 * * ? *',
  '0 9 ? * MON-FRI *',
  '30 0 1 * ? *',
  '15 4 ? * SUN *',
];

/** N realistic, valid jobs: a mix of schedules, sizes, policies and secrets. */
export function generatedJobs(n: number): unknown[] {
  return Array.from({ length: n }, (_, i) => ({
    name: `bench-job-${String(i).padStart(4, '0')}`,
    description: `Generated job ${i}`,
    owner: 'bench',
    cron: CRONS[i % CRONS.length],
    command: ['node', 'main.js', 'check-endpoints', `https://svc-${i}.example.com/healthz`],
    environment: { TARGET: `svc-${i}` },
    ...(i % 4 === 0
      ? { secrets: { API_KEY_REF: { secretsManager: `bench/job-${i}`, field: 'apiKey' } } }
      : {}),
    ...(i % 3 === 0 ? { cpu: 1024, memory: 2048 } : {}),
    timeout: '15m',
    concurrency: (['forbid', 'replace', 'allow'] as const)[i % 3],
    retries: i % 3,
    ...(i % 10 === 0 ? { capacity: 'on-demand' } : {}),
  }));
}

function configWith(n: number): PlatformConfig {
  const base = loadConfig('sandbox');
  return {
    ...base,
    schedules: parseSchedules(generatedJobs(n), {
      environment: 'sandbox',
      knownEnvironments: ['sandbox', 'staging', 'production'],
      defaultTimezone: base.environment.defaultTimezone,
    }),
  };
}

function measure(
  build: (app: App) => void,
  extraContext: Record<string, unknown> = {},
): Omit<Row, 'jobs' | 'resourcesPerJob' | 'baseline'> & { total: number } {
  const outdir = fs.mkdtempSync(path.join(process.env['TMPDIR'] ?? '/tmp', 'bench-'));
  const started = process.hrtime.bigint();
  const app = new App({
    outdir,
    context: {
      ...cdkJsonContext(),
      '@aws-cdk/core:failSynthOnValidationErrors': false,
      'aws:cdk:enable-asset-metadata': true, // as the CLI sets it: maps each function to its bundle
      ...extraContext,
    },
  });
  build(app);
  const assembly = app.synth();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const bundles: Record<string, number> = {};
  const sizes = assembly.stacks.map((s) => {
    const body = fs.readFileSync(path.join(assembly.directory, s.templateFile));
    const resources =
      (JSON.parse(body.toString()) as { Resources?: Record<string, CfnResourceJson> }).Resources ?? {};
    for (const [id, r] of Object.entries(resources)) {
      const asset = r.Metadata?.['aws:asset:path'];
      const entry = asset && path.join(assembly.directory, asset, 'index.js');
      if (r.Type === 'AWS::Lambda::Function' && entry && fs.existsSync(entry))
        bundles[id] = fs.statSync(entry).size;
    }
    return {
      bytes: body.length,
      resources: Object.keys((JSON.parse(body.toString()) as { Resources?: object }).Resources ?? {}).length,
    };
  });
  fs.rmSync(outdir, { recursive: true, force: true });
  return {
    seconds: Math.round(seconds * 100) / 100,
    stacks: sizes.length,
    maxResourcesPerStack: Math.max(...sizes.map((s) => s.resources)),
    maxTemplateBytes: Math.max(...sizes.map((s) => s.bytes)),
    total: sizes.reduce((sum, s) => sum + s.resources, 0),
    bundles,
  };
}

type Kind = 'platform' | 'baseline';
type Measurement = ReturnType<typeof measure>;

/** Builds one app in this process: the platform with N generated jobs, or the baseline. */
function build(kind: Kind, n: number): (app: App) => void {
  if (kind === 'platform') {
    const config = configWith(n);
    return (app) => createApp(app, config);
  }
  return (app) => {
    const stack = new Stack(app, 'Baseline', { env: { account: '111111111111', region: 'ap-northeast-1' } });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
    const cluster = new ecs.Cluster(stack, 'Cluster', { vpc });
    for (let i = 0; i < n; i++) {
      new ecsPatterns.ScheduledFargateTask(stack, `Job${i}`, {
        cluster,
        schedule: appscaling.Schedule.cron({ minute: '0', hour: '3' }),
        scheduledFargateTaskImageOptions: {
          image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/node:20-slim'),
          command: ['node', 'main.js', `job-${i}`],
          cpu: 256,
          memoryLimitMiB: 512,
        },
      });
    }
  };
}

/**
 * Runs one measurement in a fresh Node process, as `cdk synth` runs the app: `seconds` is
 * that process's wall time (start-up, config validation, construction, synthesis, cdk-nag
 * and CloudFormation validation); `synthSeconds` is construction plus synthesis alone.
 */
function measureInChild(kind: Kind, n: number): Measurement & { wallSeconds: number } {
  const started = process.hrtime.bigint();
  const child = spawnSync(process.execPath, [...process.execArgv, __filename, '--measure', `${kind}:${n}`], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const line = child.stdout.split('\n').find((l) => l.startsWith('{'));
  if (child.status !== 0 || !line)
    throw new Error(`measuring ${kind} with ${n} jobs failed:\n${child.stderr}`);
  return { ...(JSON.parse(line) as Measurement), wallSeconds: Math.round(wallSeconds * 100) / 100 };
}

// Lift CDK's own 500-resource guard so an oversized baseline can still be counted.
const UNLIMITED = { '@aws-cdk/core:stackResourceLimit': 1_000_000 };

function main(): void {
  const { values } = parseArgs({
    options: {
      jobs: { type: 'string', default: '30,300,1000' },
      json: { type: 'boolean', default: false },
      measure: { type: 'string' },
      repeat: { type: 'string', default: '3' },
    },
  });
  if (values.measure) {
    const [kind, n] = values.measure.split(':') as [Kind, string];
    console.log(JSON.stringify(measure(build(kind, Number(n)), kind === 'baseline' ? UNLIMITED : {})));
    return;
  }
  const counts = values.jobs.split(',').map((s) => Number(s.trim()));
  if (counts.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new Error(`--jobs takes whole numbers, e.g. 30,300,1000; got ${values.jobs}`);
  }

  const repeat = Number(values.repeat);
  if (!Number.isInteger(repeat) || repeat < 1)
    throw new Error(`--repeat takes a whole number, got ${values.repeat}`);
  const empty = {
    platform: measureInChild('platform', 0).total,
    baseline: measureInChild('baseline', 0).total,
  };
  const rows: (Row & { synthSeconds: number })[] = [];
  for (const n of counts) {
    for (const kind of ['platform', 'baseline'] as const) {
      // Median of --repeat fresh processes: a 2-core machine's timings wander by a second.
      const runs = Array.from({ length: repeat }, () => measureInChild(kind, n)).sort(
        (a, b) => a.wallSeconds - b.wallSeconds,
      );
      const { total, wallSeconds, seconds, ...m } = runs[Math.floor(runs.length / 2)]!;
      const within = m.maxResourcesPerStack <= MAX_RESOURCES && m.maxTemplateBytes <= MAX_TEMPLATE_BYTES;
      rows.push({
        jobs: n,
        seconds: wallSeconds,
        synthSeconds: seconds,
        ...m,
        resourcesPerJob: Math.round(((total - empty[kind]) / n) * 100) / 100,
        baseline: kind === 'baseline',
        ...(kind === 'baseline' ? { fits: within } : {}),
      });
    }
  }
  if (values.json) {
    for (const row of rows) console.log(JSON.stringify(row));
    return;
  }
  const first = rows.find((r) => !r.baseline);
  console.log('Lambda bundles (index.js, minified):');
  for (const [id, bytes] of Object.entries(first?.bundles ?? {}))
    console.log(`  ${id.padEnd(40)} ${(bytes / 1024).toFixed(1)} KiB`);
  console.log('');
  console.log('jobs  kind      seconds  (synth)  stacks  max res/stack  max bytes  res/job  within limits');
  for (const r of rows) {
    const within = r.maxResourcesPerStack <= MAX_RESOURCES && r.maxTemplateBytes <= MAX_TEMPLATE_BYTES;
    console.log(
      [
        String(r.jobs).padStart(4),
        (r.baseline ? 'baseline' : 'platform').padEnd(9),
        r.seconds.toFixed(2).padStart(7),
        `(${r.synthSeconds.toFixed(2)})`.padStart(8),
        String(r.stacks).padStart(7),
        String(r.maxResourcesPerStack).padStart(14),
        String(r.maxTemplateBytes).padStart(10),
        r.resourcesPerJob.toFixed(2).padStart(8),
        within
          ? 'yes'
          : `NO: one stack cannot hold ${r.jobs} ScheduledFargateTasks (${r.maxResourcesPerStack} resources > ${MAX_RESOURCES})`,
      ].join(' '),
    );
  }
}

main();
