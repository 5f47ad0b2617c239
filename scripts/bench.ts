/**
 * Scale benchmark: synthesizes the platform with N generated jobs and reports wall time,
 * stacks, the largest stack (resources, bytes) and resources per job, beside a baseline of
 * one aws-ecs-patterns ScheduledFargateTask per job in one stack.
 *
 *   npm run bench -- --jobs 30,300,1000 [--json]
 *
 * Lambda bundling is skipped (it costs the same at every N); cdk-nag and the template-limit
 * check run as in `cdk synth`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
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
      'aws:cdk:bundling-stacks': [],
      '@aws-cdk/core:failSynthOnValidationErrors': false,
      ...extraContext,
    },
  });
  build(app);
  const assembly = app.synth();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const sizes = assembly.stacks.map((s) => {
    const body = fs.readFileSync(path.join(assembly.directory, s.templateFile));
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
  };
}

function platformRow(n: number, emptyTotal: number): Row {
  const config = configWith(n);
  const { total, ...m } = measure((app) => createApp(app, config));
  return {
    jobs: n,
    ...m,
    resourcesPerJob: Math.round(((total - emptyTotal) / n) * 100) / 100,
    baseline: false,
  };
}

/** The peer construct: one ScheduledFargateTask per job, all in one stack. */
function baselineRow(n: number): Row {
  const build = (count: number) => (app: App) => {
    const stack = new Stack(app, 'Baseline', { env: { account: '111111111111', region: 'ap-northeast-1' } });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
    const cluster = new ecs.Cluster(stack, 'Cluster', { vpc });
    for (let i = 0; i < count; i++) {
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
  // Lift CDK's own 500-resource guard so an oversized baseline can still be counted.
  const unlimited = { '@aws-cdk/core:stackResourceLimit': 1_000_000 };
  const emptyTotal = measure(build(0), unlimited).total;
  const { total, ...m } = measure(build(n), unlimited);
  return {
    jobs: n,
    ...m,
    resourcesPerJob: Math.round(((total - emptyTotal) / n) * 100) / 100,
    baseline: true,
    fits: m.maxResourcesPerStack <= MAX_RESOURCES && m.maxTemplateBytes <= MAX_TEMPLATE_BYTES,
  };
}

function main(): void {
  const { values } = parseArgs({
    options: { jobs: { type: 'string', default: '30,300,1000' }, json: { type: 'boolean', default: false } },
  });
  const counts = values.jobs.split(',').map((s) => Number(s.trim()));
  if (counts.some((n) => !Number.isInteger(n) || n < 1))
    throw new Error(`--jobs takes whole numbers, e.g. 30,300,1000; got ${values.jobs}`);

  const emptyTotal = measure((app) => createApp(app, configWith(0))).total;
  const rows: Row[] = [];
  for (const n of counts) {
    rows.push(platformRow(n, emptyTotal));
    rows.push(baselineRow(n));
  }
  if (values.json) {
    for (const row of rows) console.log(JSON.stringify(row));
    return;
  }
  console.log('jobs  kind       seconds  stacks  max res/stack  max bytes  res/job  within limits');
  for (const r of rows) {
    const within = r.maxResourcesPerStack <= MAX_RESOURCES && r.maxTemplateBytes <= MAX_TEMPLATE_BYTES;
    console.log(
      [
        String(r.jobs).padStart(4),
        (r.baseline ? 'baseline' : 'platform').padEnd(9),
        r.seconds.toFixed(2).padStart(8),
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
