/**
 * The schedule review report, offline:
 *   npm run schedules -- [--env sandbox] [--from <ISO time>] [--base <git ref>] [--html <file>]
 * A table of every job with its next runs in its own zone, warnings worth a reviewer's look,
 * and with --base what the change does to the schedules (what pr-review.yml posts).
 */
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, DEFAULT_ENVIRONMENT, loadConfig } from '../lib/config';
import { consoleOutput } from './job/output';
import { BaseError, schedulesAt } from './schedules/base';
import { diffSchedules } from './schedules/diff';
import { peakSummary, scheduleTable, scheduleWarnings } from './schedules/report';
import { timelineHtml } from './schedules/timeline';

function main(): number {
  const out = consoleOutput;
  let values: { env?: string; from?: string; base?: string; html?: string };
  try {
    ({ values } = parseArgs({
      options: {
        env: { type: 'string' },
        from: { type: 'string' },
        base: { type: 'string' },
        html: { type: 'string' },
      },
    }));
  } catch (error) {
    out.error(
      `${(error as Error).message}\nusage: npm run schedules -- [--env <name>] [--from <ISO time>] [--base <git ref>] [--html <file>]`,
    );
    return 2;
  }
  const from = values.from ? new Date(values.from) : new Date();
  if (Number.isNaN(from.getTime())) {
    out.error(`--from ${values.from}: not a time; use ISO 8601 such as 2026-11-22T00:00:00Z`);
    return 2;
  }
  const envName = values.env ?? DEFAULT_ENVIRONMENT;
  try {
    const config = loadConfig(envName);
    const { schedules, environment } = config;
    out.line(`Schedules of ${envName}: ${schedules.length} jobs`);
    out.line();
    for (const line of scheduleTable(schedules, from)) out.line(line);
    out.line();
    out.line(peakSummary(schedules, environment, from));
    const warnings = scheduleWarnings(schedules, environment, from);
    out.line(warnings.length > 0 ? `\n${warnings.length} warning(s):` : '\nno warnings');
    for (const w of warnings) out.line(`  ! ${w}`);
    if (values.base) {
      out.line();
      out.line(`Changes against ${values.base}:`);
      for (const line of diffSchedules(schedulesAt(values.base, envName), schedules, from))
        out.line(`  ${line}`);
    }
    if (values.html) {
      fs.writeFileSync(values.html, timelineHtml(schedules, environment, from));
      out.line(`\n24-hour timeline written to ${values.html}`);
    }
    return 0;
  } catch (error) {
    if (error instanceof ConfigError || error instanceof BaseError) {
      out.error(error.message);
      return 2;
    }
    throw error;
  }
}

process.exitCode = main();
