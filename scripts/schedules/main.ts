import { parseArgs } from 'node:util';
import {
  ConfigError,
  configFiles,
  loadConfig,
  type ConfigSources,
  type ScheduledJobConfig,
} from '../../lib/config';
import { configWarnings } from '../../lib/config/warnings';
import type { Output } from '../job/output';
import { BaseError, schedulesAt } from './base';
import { diffSchedules } from './diff';
import { peakSummary, scheduleTable, scheduleWarnings } from './report';
import { timelineHtml } from './timeline';

export const USAGE =
  'usage: npm run schedules -- [--env <name>] [--from <ISO time>] [--base <git ref>] [--html <file>]';

export const HELP = `${USAGE}

The schedule report of an environment, offline from config: every job's next runs in its own
zone, the busiest minutes against the vCPU quota, warnings, and with --base what a pull
request changes.

  --env <name>       the environment, as in config/environments.ts (default: its default environment)
  --from <ISO time>  report from this time (default now)
  --base <git ref>   compare with config/schedules.ts at this ref, e.g. origin/main
  --html <file>      also write the 24-hour timeline as HTML
  -h, --help         this help`;

export interface SchedulesDeps {
  readonly out: Output;
  readonly now: () => Date;
  readonly writeFile: (file: string, text: string) => void;
  /** The config directory read. @default configFiles (the shipped config/) */
  readonly config?: ConfigSources;
  /** @default schedulesAt (git) */
  readonly base?: (ref: string, environment: string) => ScheduledJobConfig[];
}

/** The schedule report; returns the exit code: 0 done, 2 bad arguments, config or --base. */
export function schedulesMain(argv: readonly string[], deps: SchedulesDeps): number {
  const { out } = deps;
  let values: { env?: string; from?: string; base?: string; html?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        env: { type: 'string' },
        from: { type: 'string' },
        base: { type: 'string' },
        html: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    out.error(`error: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    out.line(HELP);
    return 0;
  }
  const from = values.from === undefined ? deps.now() : new Date(values.from);
  if (
    values.from !== undefined &&
    (!/^\d{4}-\d{2}-\d{2}(T|$)/.test(values.from) || Number.isNaN(from.getTime()))
  ) {
    out.error(`error: --from "${values.from}" is not an ISO date-time such as 2026-11-22T00:00:00Z`);
    return 2;
  }
  const sources = deps.config ?? configFiles;
  const envName = values.env ?? sources.defaultEnvironment;
  const known = Object.keys(sources.environments);
  if (!known.includes(envName)) {
    out.error(`error: --env ${envName}: no such environment; choose one of ${known.join(', ')}`);
    return 2;
  }
  try {
    const config = loadConfig(envName, sources);
    const { schedules, environment } = config;
    // Loaded before anything is printed: a bad --base is one line on stderr, not a half report.
    const base = values.base === undefined ? undefined : (deps.base ?? schedulesAt)(values.base, envName);
    out.line(`Schedules of ${envName} from ${from.toISOString()}: ${schedules.length} jobs`);
    out.line();
    for (const line of scheduleTable(schedules, from)) out.line(line);
    out.line();
    out.line(peakSummary(schedules, environment, from));
    // The schedule's own warnings, then what `cdk synth` warns of (a pause past its date, ...).
    const warnings = [...scheduleWarnings(schedules, environment, from), ...configWarnings(config, from)];
    out.line(warnings.length > 0 ? `\n${warnings.length} warning(s):` : '\nno warnings');
    for (const w of warnings) out.line(`  ! ${w}`);
    if (base && values.base !== undefined) {
      out.line();
      out.line(`Changes against ${values.base}:`);
      for (const line of diffSchedules(base, schedules, from)) out.line(`  ${line}`);
    }
    if (values.html !== undefined) {
      deps.writeFile(values.html, timelineHtml(schedules, environment, from));
      out.line(`\n24-hour timeline written to ${values.html}`);
    }
    return 0;
  } catch (error) {
    if (error instanceof BaseError) {
      out.error(`error: ${error.message}`);
      return 2;
    }
    if (error instanceof ConfigError) {
      out.error(error.message);
      return 2;
    }
    throw error;
  }
}
