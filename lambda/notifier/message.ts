import { executionUrl, logStreamUrl } from '../../lib/schedule/console-links';
import { jobNames } from '../../lib/schedule/naming';
import { formatWeekdayTime, zoneAbbreviation } from '../../lib/schedule/time-format';
import type { RunRecord } from '../job-recorder/record';

/** What the message needs to know about the job beyond its run record (from the synthesized job list). */
export interface JobFacts {
  readonly timezone: string;
  readonly retries: number;
  readonly timeoutSeconds: number;
}

export interface MessageContext {
  readonly environment: { readonly name: string; readonly region: string };
  readonly job: JobFacts;
  /** How often this incident happened so far, and since when (a storm's count); 1 for the first. */
  readonly count: number;
  readonly since?: string;
}

/** A Slack message: `text` is what notifications and screen readers show, `blocks` the layout. */
export interface SlackMessage {
  readonly text: string;
  readonly blocks: readonly Record<string, unknown>[];
}

const HEADLINE: Record<string, { readonly emoji: string; readonly verb: string }> = {
  Failed: { emoji: ':red_circle:', verb: 'failed' },
  TimedOut: { emoji: ':hourglass:', verb: 'timed out' },
  Skipped: { emoji: ':white_circle:', verb: 'was skipped' },
  Succeeded: { emoji: ':large_yellow_circle:', verb: 'fell back to on-demand' },
};

/**
 * The message for one run: job, environment, the slot in the job's zone, status and reason,
 * exit code, attempt n/m, capacity and fallback, duration against the timeout, one-click
 * links to the execution and the log stream, and the exact commands to act on it.
 */
export function runMessage(record: RunRecord, context: MessageContext): SlackMessage {
  const { environment: env, job } = context;
  const headline = HEADLINE[record.status] ?? { emoji: ':grey_question:', verb: record.status.toLowerCase() };
  const repeat =
    context.count > 1
      ? ` — ${context.count} times since ${context.since ? inZone(context.since, job.timezone) : 'the first'}`
      : '';
  const title = `${headline.emoji} ${record.job} ${headline.verb} in ${env.name}${repeat}`;
  const slot = record.trigger === 'manual' ? 'manual run' : inZone(record.slot, job.timezone);
  const fields = [
    ['Slot', slot],
    ['Status', `${record.status}: ${record.reason}`],
    ['Exit code', record.exitCode === undefined ? '—' : String(record.exitCode)],
    ['Attempt', `${record.attempts} of ${job.retries + 1}`],
    ['Capacity', record.fellBackToOnDemand ? `${record.capacity} (fell back from Spot)` : record.capacity],
    ['Duration', `${duration(record.durationSeconds)} of ${duration(job.timeoutSeconds)} allowed`],
  ];
  const logGroup = jobNames(env.name).logGroup;
  const buttons = [
    button('Execution', executionUrl(env.region, record.executionArn)),
    ...(record.logStream ? [button('Logs', logStreamUrl(env.region, logGroup, record.logStream))] : []),
  ];
  const commands = [
    `npm run job -- status ${record.job} --env ${env.name}`,
    `npm run job -- logs ${record.job} --env ${env.name}`,
    `npm run job -- run ${record.job} --env ${env.name}`,
  ];
  return {
    text: `${title}: ${record.reason}`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: title.slice(0, 150), emoji: true } },
      {
        type: 'section',
        fields: fields.map(([name, value]) => ({
          type: 'mrkdwn',
          text: `*${name}*\n${escape(value ?? '')}`,
        })),
      },
      ...(record.cause
        ? [
            {
              type: 'section',
              text: { type: 'mrkdwn', text: `*Cause*\n\`\`\`${escape(record.cause)}\`\`\`` },
            },
          ]
        : []),
      { type: 'actions', elements: buttons },
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: commands.map((c) => `\`${c}\``).join('  ·  ') }],
      },
    ],
  };
}

/** The reply under a failure thread when the job succeeds again. */
export function recoveryMessage(record: RunRecord, context: MessageContext): SlackMessage {
  const text = `:large_green_circle: ${record.job} succeeded again in ${context.environment.name} after ${context.count} failed run${context.count === 1 ? '' : 's'} (slot ${inZone(record.slot, context.job.timezone)})`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: escape(text) } }] };
}

function button(text: string, url: string): Record<string, unknown> {
  return { type: 'button', text: { type: 'plain_text', text }, url };
}

/** `Tue 24 Nov 03:00 JST`: a slot as the job's people read it. */
export function inZone(iso: string, timeZone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${formatWeekdayTime(date, timeZone)} ${zoneAbbreviation(date, timeZone)}`;
}

function duration(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
  return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`;
}

/** Slack's mrkdwn needs &, < and > escaped, or a reason like "<nil>" disappears. */
function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
