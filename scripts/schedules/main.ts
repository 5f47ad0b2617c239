import { parseArgs } from 'node:util';
import { ConfigError, configFiles, loadConfig, type ConfigSources } from '../../lib/config';
import { configWarnings } from '../../lib/config/warnings';
import type { Output } from '../job/output';
import { accessScope } from '../../lib/access/statements';
import { ACCESS_CHANGES, accessChangesByEnvironment, accessSection, diffAccess } from './access';
import { BaseError, configAt, type BaseRevision } from './base';
import { diffSchedules } from './diff';
import { costSection, pricesFor } from './cost';
import { formatWeekdayZoned, jobState, peakSummary, scheduleTable, scheduleWarnings } from './report';
import { timelineHtml } from './timeline';

export const USAGE =
  'usage: npm run schedules -- [--env <name>] [--from <ISO time>] [--base <git ref>] [--html <file> [--days 1|7]]';

export const HELP = `${USAGE}

The schedule report of an environment, offline from config: every job's next runs in its own
zone, the busiest moment of the week against the vCPU quota, warnings, the monthly cost of
each job, who may do what in AWS (config/access.ts), and with --base what a pull request
changes: schedules and cost, then which profiles and jobs gain or lose permissions.

  --env <name>       the environment, as in config/environments.ts (default: its default environment)
  --from <ISO time>  report from this time (default now)
  --base <git ref>   compare with config/schedules.ts at this ref, e.g. origin/main
  --html <file>      also write the timeline as HTML (a page that sizes to its lanes)
  --days <1|7>       the timeline's span: 1 (default) or 7, a week where weekly jobs show
  -h, --help         this help`;

export interface SchedulesDeps {
  readonly out: Output;
  readonly now: () => Date;
  readonly writeFile: (file: string, text: string) => void;
  /** The config directory read. @default configFiles (the shipped config/) */
  readonly config?: ConfigSources;
  /** @default configAt (git) */
  readonly base?: (ref: string, environment: string) => BaseRevision;
}

/** The schedule report; returns the exit code: 0 done, 2 bad arguments, config or --base. */
export function schedulesMain(argv: readonly string[], deps: SchedulesDeps): number {
  const { out } = deps;
  let values: { env?: string; from?: string; base?: string; html?: string; days?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        env: { type: 'string' },
        from: { type: 'string' },
        base: { type: 'string' },
        html: { type: 'string' },
        days: { type: 'string' },
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
  const days = values.days === undefined ? 1 : Number(values.days);
  if (days !== 1 && days !== 7) {
    out.error(`error: --days "${values.days}": the timeline spans 1 or 7 days\n${USAGE}`);
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
    const base = values.base === undefined ? undefined : (deps.base ?? configAt)(values.base, envName);
    // Access changes of every environment, not only this one's: a grant widened by a
    // production override is reviewed in the same pull request as the rest.
    const accessChanges =
      values.base === undefined || base === undefined
        ? undefined
        : accessChangesByEnvironment(
            Object.keys(sources.environments).map((name) => {
              const head = name === envName ? config : loadConfig(name, sources);
              const before = name === envName ? base : (deps.base ?? configAt)(values.base!, name);
              return { environment: name, lines: diffAccess(before, head, accessScope(head.environment)) };
            }),
          );
    const zone = environment.defaultTimezone;
    const off = schedules.filter((j) => !j.enabled);
    const paused = off.filter((j) => jobState(j) === 'paused').length;
    out.line(
      `Schedules of ${envName} from ${formatWeekdayZoned(from, zone)} (${from.toISOString()}): ${schedules.length} jobs` +
        (off.length > 0 ? `, ${paused} paused, ${off.length - paused} disabled` : ''),
    );
    out.line();
    for (const line of scheduleTable(schedules, from)) out.line(line);
    out.line();
    out.line(peakSummary(schedules, environment, from));
    // The schedule's own warnings, then what `cdk synth` warns of (a pause past its date, ...).
    const warnings = [...scheduleWarnings(schedules, environment, from), ...configWarnings(config, from)];
    out.line(warnings.length > 0 ? `\n${warnings.length} warning(s):` : '\nno warnings');
    for (const w of warnings) out.line(`  ! ${w}`);
    const year = from.getUTCFullYear();
    out.line();
    for (const line of costSection(schedules, environment.region, year)) out.line(line);
    const scope = accessScope(environment);
    out.line();
    for (const line of accessSection(config, scope)) out.line(line);
    if (base && values.base !== undefined) {
      out.line();
      out.line(`Changes against ${values.base}:`);
      const prices = pricesFor(environment.region);
      for (const line of diffSchedules(base.schedules, schedules, from, prices && { prices, year }))
        out.line(`  ${line}`);
      // A privilege change is shown as plainly as a cron change, and apart from it.
      out.line();
      out.line(`${ACCESS_CHANGES} ${values.base}:`);
      for (const line of accessChanges ?? []) out.line(`  ${line}`);
    }
    if (values.html !== undefined) {
      deps.writeFile(values.html, timelineHtml(schedules, environment, from, { days }));
      out.line(`\n${days === 7 ? '7-day' : '24-hour'} timeline written to ${values.html}`);
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
