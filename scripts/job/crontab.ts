import { ConfigError } from '../../lib/config/config-error';
import { parseSchedules, type ScheduledJobInput } from '../../lib/config/schedule-schema';
import { awsCronProblem } from '../../lib/schedule/aws-cron';
import { isIanaTimeZone } from '../../lib/config/timezone';

/** One crontab line turned into a schedules.ts entry, with what a reviewer must still check. */
export interface ImportedJob {
  readonly line: number;
  readonly entry: ScheduledJobInput;
  /** Things the translation could not settle: the reviewer decides before merging. */
  readonly notes: readonly string[];
}

/** A crontab line that has no faithful AWS equivalent. */
export interface Untranslated {
  readonly line: number;
  readonly text: string;
  readonly why: string;
}

export interface CrontabImport {
  readonly jobs: readonly ImportedJob[];
  readonly untranslated: readonly Untranslated[];
}

export interface ImportOptions {
  /** The zone the crontab's server ran in (crontabs have no zone; CRON_TZ/TZ lines override it). */
  readonly timezone: string;
  /** The team that will own the imported jobs. */
  readonly owner: string;
  /** @default '1h': crontab has no timeout; every imported job gets this one to review. */
  readonly timeout?: string;
}

const MACROS: Record<string, string> = {
  '@hourly': '0 * * * *',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@weekly': '0 0 * * 0',
  '@monthly': '0 0 1 * *',
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
};

/**
 * Turns a crontab (the migration path from the old servers) into `config/schedules.ts`
 * entries with AWS cron. What cannot be said faithfully in EventBridge Scheduler's cron is
 * listed, not guessed: a day-of-month AND day-of-week restriction (cron ORs them, AWS allows
 * only one), `@reboot`, `%` in a command (cron's stdin), steps in day-of-week.
 */
export function importCrontab(text: string, options: ImportOptions): CrontabImport {
  const jobs: ImportedJob[] = [];
  const untranslated: Untranslated[] = [];
  const names = new Set<string>();
  let timezone = options.timezone;
  let comment: string | undefined;
  for (const [index, raw] of text.split('\n').entries()) {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === '') {
      comment = undefined;
      continue;
    }
    if (trimmed.startsWith('#')) {
      comment = trimmed.replace(/^#+\s*/, '') || comment;
      continue;
    }
    const assignment = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(trimmed);
    if (assignment) {
      const [, variable = '', value = ''] = assignment;
      if (variable === 'CRON_TZ' || variable === 'TZ') {
        const zone = value.replace(/^["']|["']$/g, '');
        if (isIanaTimeZone(zone)) timezone = zone;
        else
          untranslated.push({
            line,
            text: trimmed,
            why: `"${zone}" is not an IANA time zone; the lines after it keep ${timezone}`,
          });
      } else if (!['SHELL', 'PATH', 'MAILTO', 'HOME'].includes(variable)) {
        untranslated.push({
          line,
          text: trimmed,
          why: `${variable} applies to every line below it; put it in the environment (or secrets) of the jobs that need it`,
        });
      }
      continue;
    }
    const result = translateLine(trimmed);
    if ('why' in result) {
      untranslated.push({ line, text: trimmed, why: result.why });
      comment = undefined;
      continue;
    }
    const name = uniqueName(result.command, names);
    const notes = [
      `runs "${result.command}" through sh in the batch-job image: make it a task of containers/batch-job, or give the job an image of its own`,
      `timeout ${options.timeout ?? '1h'} is a guess: crontab had none`,
      ...result.notes,
    ];
    const entry: ScheduledJobInput = {
      name,
      description: comment ?? `Imported from crontab line ${line}: ${result.command}`.slice(0, 200),
      owner: options.owner,
      cron: result.cron,
      timezone,
      command: ['sh', '-c', result.command],
      timeout: options.timeout ?? '1h',
    };
    // What comes out must pass the same validation as config/schedules.ts.
    const invalid = validationProblems(entry, timezone);
    if (invalid) {
      untranslated.push({ line, text: trimmed, why: invalid });
      comment = undefined;
      continue;
    }
    jobs.push({
      line,
      entry,
      notes,
    });
    comment = undefined;
  }
  return { jobs, untranslated };
}

function validationProblems(entry: ScheduledJobInput, timezone: string): string | undefined {
  try {
    parseSchedules([entry], {
      environment: 'import',
      knownEnvironments: ['import'],
      defaultTimezone: timezone,
      defaultNotify: '#imported',
    });
    return undefined;
  } catch (error) {
    if (error instanceof ConfigError)
      return `the translated entry is not valid config: ${error.problems.join('; ')}`;
    throw error;
  }
}

type Translation = { cron: string; command: string; notes: string[] } | { why: string };

function translateLine(line: string): Translation {
  let fields: string[];
  let command: string;
  if (line.startsWith('@')) {
    const [macro = '', ...rest] = line.split(/\s+/);
    if (macro === '@reboot')
      return { why: '@reboot runs at boot, not on a schedule: make it a resident worker or drop it' };
    const expansion = MACROS[macro];
    if (!expansion) return { why: `unknown macro ${macro}` };
    fields = expansion.split(' ');
    command = rest.join(' ');
  } else {
    const parts = line.split(/\s+/);
    if (parts.length < 6) return { why: 'fewer than five time fields and a command' };
    fields = parts.slice(0, 5);
    command = line.replace(/^(\S+\s+){5}/, '');
  }
  if (command.includes('%')) {
    return { why: "a % in the command is cron's stdin/newline: rewrite the command without it" };
  }
  const [minute = '', hour = '', dayOfMonth = '', month = '', dayOfWeek = ''] = fields;
  const notes: string[] = [];
  let dom = dayOfMonth;
  let dow: string;
  if (dayOfWeek === '*' || dayOfWeek === '?') {
    dow = '?';
  } else if (dayOfMonth === '*' || dayOfMonth === '?') {
    const converted = awsDayOfWeek(dayOfWeek);
    if ('why' in converted) return converted;
    dom = '?';
    dow = converted.value;
    if (converted.value !== dayOfWeek)
      notes.push(`day of week "${dayOfWeek}" is "${dow}" in AWS cron, which counts 1 = SUN`);
  } else {
    return {
      why: `both day of month (${dayOfMonth}) and day of week (${dayOfWeek}) are restricted: cron runs on either, AWS cron allows only one; split it into two jobs`,
    };
  }
  const cron = `${minute} ${hour} ${dom} ${month} ${dow} *`;
  const problem = awsCronProblem(cron);
  if (problem) return { why: `"${cron}" is not valid AWS cron: ${problem}` };
  return { cron, command, notes };
}

const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** Standard cron counts 0 (or 7) = Sunday; AWS counts 1 = SUN. Names need no change. */
function awsDayOfWeek(field: string): { value: string } | { why: string } {
  if (field.includes('/'))
    return { why: `a step in day of week ("${field}") has no safe AWS equivalent: list the days` };
  const day = (token: string): string | undefined => {
    if (/^[A-Za-z]{3}$/.test(token) && DAY_NAMES.includes(token.toUpperCase())) return token.toUpperCase();
    if (!/^\d$/.test(token)) return undefined;
    const n = Number(token);
    return n <= 7 ? String((n % 7) + 1) : undefined;
  };
  const parts: string[] = [];
  for (const item of field.split(',')) {
    const [start = '', end] = item.split('-');
    const a = day(start);
    const b = end === undefined ? undefined : day(end);
    if (!a || (end !== undefined && !b))
      return { why: `day of week "${field}" is not one crontab understands` };
    // A range ending on Sunday (e.g. 5-7 or 5-0, Fri-Sun) wraps in AWS numbering (6-1): list it.
    if (b && /^\d$/.test(a) && /^\d$/.test(b) && Number(b) < Number(a)) {
      parts.push(`${a}-7`, '1');
    } else {
      parts.push(b ? `${a}-${b}` : a);
    }
  }
  return { value: parts.join(',') };
}

/** A job name from the command: the script's base name, made a valid, unique name. */
function uniqueName(command: string, taken: Set<string>): string {
  const words = command
    .split(/\s+/)
    .filter((w) => !/^(sudo|sh|bash|-c|cd|&&|;|\/usr\/bin\/env|nice|flock)$/.test(w));
  const script = words.find((w) => /[A-Za-z]/.test(w)) ?? 'job';
  const base =
    (script.split('/').pop() ?? script)
      .replace(/\.[a-z0-9]+$/i, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .replace(/^(\d)/, 'job-$1')
      .slice(0, 40) || 'job';
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}-${i}`;
  taken.add(name);
  return name;
}

/** The import as TypeScript to paste into config/schedules.ts, the review list as comments. */
export function renderImport(result: CrontabImport, source: string): string {
  const lines = [
    `// Imported from ${source} by npm run job -- import-crontab. Review every NOTE before merging.`,
  ];
  for (const job of result.jobs) {
    lines.push(`  // crontab line ${job.line}`);
    for (const note of job.notes) lines.push(`  // NOTE: ${note}`);
    lines.push(`  ${JSON.stringify(job.entry, null, 2).replace(/\n/g, '\n  ')},`);
  }
  if (result.untranslated.length > 0) {
    lines.push('', '// Not imported — decide each by hand:');
    for (const u of result.untranslated) lines.push(`//   line ${u.line}: ${u.text}`, `//     ${u.why}`);
  }
  return lines.join('\n');
}
