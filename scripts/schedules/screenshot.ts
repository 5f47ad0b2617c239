/**
 * Renders the schedule timeline in headless Chromium and writes one PNG per width:
 *   npx tsx scripts/schedules/screenshot.ts [--jobs 30] [--days 1|7] [--widths 1400,1920] [--out <dir>] [--from <ISO>]
 * The page is captured whole (it sizes to its lanes), so nothing is cut at the bottom. With
 * --jobs N the shipped config's jobs are topped up to N with made-up but plausible ones, to
 * see how a larger schedule reads. Needs Debian's chromium (screenshot.sh installs it) or
 * CHROMIUM=<path>; playwright-core drives it and downloads nothing.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { configFiles, loadConfig, type ConfigSources } from '../../lib/config';
import type { ScheduledJobInput } from '../../lib/config/schedule-schema';
import { timelineHtml } from './timeline';

const KINDS = [
  'export',
  'sync',
  'report',
  'cleanup',
  'rollup',
  'audit',
  'digest',
  'reindex',
  'backup',
  'import',
];
const TEAMS = ['commerce', 'data-platform', 'sre', 'billing', 'marketing'];

/** Jobs of the kinds a schedule grows: nightly batches, hourly syncs, weekday reports, a weekly one. */
export function extraJobs(count: number): ScheduledJobInput[] {
  return Array.from({ length: count }, (_, i) => {
    const cron = [
      `${(i * 7) % 60} ${(i * 5) % 24} * * ? *`,
      `${(i * 11) % 60} * * * ? *`,
      `${(i * 13) % 60} ${8 + (i % 10)} ? * MON-FRI *`,
      `0 ${(i * 3) % 24} ? * ${['SUN', 'SAT', 'WED'][i % 3]} *`,
    ][i % 4]!;
    const big = i % 5 === 0;
    return {
      name: `${TEAMS[i % TEAMS.length]}-${KINDS[i % KINDS.length]}-${i}`,
      description: `generated job ${i} for the timeline screenshot`,
      owner: TEAMS[i % TEAMS.length]!,
      cron,
      command: ['node', 'main.js', 'check-endpoints', 'https://example.com/healthz'],
      cpu: big ? 2048 : 512,
      memory: big ? 4096 : 1024,
      timeout: big ? '2h' : '30m',
      ...(i % 6 === 5 ? {} : { expectedDuration: `${big ? 5 + ((i * 17) % 100) : 2 + ((i * 7) % 25)}m` }),
      ...(i % 9 === 4
        ? { enabled: false, disabledReason: 'waiting for the partner API', disabledUntil: '2027-03-31' }
        : {}),
    };
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      jobs: { type: 'string' },
      days: { type: 'string', default: '1' },
      widths: { type: 'string', default: '1400,1920' },
      out: { type: 'string', default: '.' },
      from: { type: 'string' },
      env: { type: 'string' },
    },
  });
  const days = Number(values.days) === 7 ? 7 : 1;
  const env = values.env ?? configFiles.defaultEnvironment;
  const shipped = configFiles.schedules;
  const wanted = values.jobs === undefined ? shipped.length : Number(values.jobs);
  const sources: ConfigSources = {
    ...configFiles,
    schedules: [...shipped, ...extraJobs(Math.max(0, wanted - shipped.length))],
  };
  const { schedules, environment } = loadConfig(env, sources);
  const from = values.from ? new Date(values.from) : new Date();
  const html = timelineHtml(schedules, environment, from, { days });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'timeline-'));
  const page = path.join(dir, 'timeline.html');
  fs.writeFileSync(page, html);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  try {
    for (const width of values.widths.split(',').map(Number)) {
      const tab = await browser.newPage({ viewport: { width, height: 600 } });
      await tab.goto(`file://${page}`);
      const png = path.join(values.out, `timeline-${schedules.length}jobs-${days}d-${width}.png`);
      await tab.screenshot({ path: png, fullPage: true });
      // A string, so this Node-only project needs no DOM types for one expression.
      const size = await tab.evaluate<[number, number]>(
        '[document.documentElement.scrollWidth, document.documentElement.scrollHeight]',
      );
      process.stdout.write(`${png}: page ${size[0]} x ${size[1]} px at a ${width} px window\n`);
      await tab.close();
    }
  } finally {
    await browser.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exitCode = 1;
});
