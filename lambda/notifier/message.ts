import { executionUrl, logStreamUrl } from '../../lib/schedule/console-links';
import { jobNames } from '../../lib/schedule/naming';
import { formatWeekdayTime, zoneAbbreviation } from '../../lib/schedule/time-format';
import type { AlarmChange, RunDetail } from './notice';

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
export function runMessage(record: RunDetail, context: MessageContext): SlackMessage {
  const { environment: env, job } = context;
  const headline = HEADLINE[record.status] ?? { emoji: ':grey_question:', verb: record.status.toLowerCase() };
  const repeat = stormCount(context, 'times');
  const title = `${headline.emoji} ${record.job} ${headline.verb} in ${env.name}${repeat}`;
  const slot = record.trigger === 'manual' ? 'manual run' : inZone(record.slot, job.timezone);
  // Without a run record (the recorder failed; the runner published the outcome itself)
  // attempts, capacity and duration are unknown: say so rather than guess.
  const unknown = record.recorded === false ? '— (run not recorded)' : '—';
  const fields = [
    ['Slot', slot],
    ['Status', `${record.status}: ${record.reason}`],
    ['Exit code', record.exitCode === undefined ? '—' : String(record.exitCode)],
    ['Attempt', record.attempts === undefined ? unknown : `${record.attempts} of ${job.retries + 1}`],
    [
      'Capacity',
      record.capacity === undefined
        ? unknown
        : record.fellBackToOnDemand
          ? `${record.capacity} (fell back from Spot)`
          : record.capacity,
    ],
    [
      'Duration',
      record.durationSeconds === undefined
        ? unknown
        : `${duration(record.durationSeconds)} of ${duration(job.timeoutSeconds)} allowed`,
    ],
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
export function recoveryMessage(record: RunDetail, context: MessageContext): SlackMessage {
  const text = `:large_green_circle: ${record.job} succeeded again in ${context.environment.name} after ${context.count} failed run${context.count === 1 ? '' : 's'} (slot ${inZone(record.slot, context.job.timezone)})`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: escape(text) } }] };
}

/** A run that lost its Spot capacity and goes on on-demand: worth knowing, not an incident. */
export function fallbackMessage(
  detail: {
    readonly job: string;
    readonly slot: string;
    readonly reason?: string;
    readonly executionArn: string;
  },
  context: MessageContext,
): SlackMessage {
  const { environment: env, job } = context;
  const repeat = stormCount(context, 'times');
  const title = `:large_yellow_circle: ${detail.job} fell back to on-demand in ${env.name}${repeat}`;
  const reason = detail.reason ?? 'Spot capacity was not available or the task was interrupted';
  return {
    text: `${title}: ${reason}`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: title.slice(0, 150), emoji: true } },
      {
        type: 'section',
        fields: [
          { type: 'mrkdwn', text: `*Slot*\n${escape(slotText(detail.slot, job.timezone))}` },
          { type: 'mrkdwn', text: `*Why*\n${escape(reason)}` },
        ],
      },
      { type: 'actions', elements: [button('Execution', executionUrl(env.region, detail.executionArn))] },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: `The run goes on on-demand (Spot is up to 70% cheaper); frequent fallbacks mean the job should be \`capacity: 'on-demand'\`.  ·  \`npm run job -- status ${detail.job} --env ${env.name}\``,
          },
        ],
      },
    ],
  };
}

/** A slot the job's cron expected and nobody ran (the missed-run detector, or Scheduler's DLQ). */
export function missedMessage(
  detail: { readonly job: string; readonly slot: string; readonly reason?: string },
  context: MessageContext,
): SlackMessage {
  const { environment: env, job } = context;
  const repeat = stormCount(context, 'slots');
  const slot = slotText(detail.slot, job.timezone);
  const title = `:warning: ${detail.job} did not run at ${slot} in ${env.name}${repeat}`;
  const reason = detail.reason ?? 'no run claimed the slot';
  return {
    text: `${title}: ${reason}`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: title.slice(0, 150), emoji: true } },
      { type: 'section', text: { type: 'mrkdwn', text: `*Why*\n${escape(reason)}` } },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: [
              // backfill runs the slots of [from, to): the window of this one slot.
              `npm run job -- backfill ${detail.job} --from ${detail.slot} --to ${oneMinuteAfter(detail.slot)} --env ${env.name} --dry-run`,
              `npm run job -- status ${detail.job} --env ${env.name}`,
            ]
              .map((c) => `\`${c}\``)
              .join('  ·  '),
          },
        ],
      },
    ],
  };
}

/** A start the runner rejected before any job ran (invalid input): the environment's channel. */
export function notStartedMessage(
  detail: { readonly executionArn: string; readonly error?: string; readonly cause?: string },
  environment: MessageContext['environment'],
): SlackMessage {
  const title = `:red_circle: a job run could not start in ${environment.name}`;
  const cause = `${detail.error ?? 'Error'}: ${detail.cause ?? 'no cause given'}`;
  return {
    text: `${title}: ${cause}`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: title, emoji: true } },
      {
        type: 'section',
        text: { type: 'mrkdwn', text: `*Cause*\n\`\`\`${escape(cause.slice(0, 2000))}\`\`\`` },
      },
      {
        type: 'actions',
        elements: [button('Execution', executionUrl(environment.region, detail.executionArn))],
      },
    ],
  };
}

/** A CloudWatch alarm changing state: its description says what to do. */
export function alarmMessage(
  alarm: AlarmChange,
  environment: MessageContext['environment'] & { readonly timezone: string },
): SlackMessage {
  const firing = alarm.NewStateValue === 'ALARM';
  const emoji = firing
    ? ':rotating_light:'
    : alarm.NewStateValue === 'OK'
      ? ':white_check_mark:'
      : ':grey_question:';
  const title = `${emoji} ${alarm.NewStateValue}: ${alarm.AlarmName}`;
  const url = `https://${environment.region}.console.aws.amazon.com/cloudwatch/home?region=${environment.region}#alarmsV2:alarm/${encodeURIComponent(alarm.AlarmName)}`;
  return {
    text: `${title}${alarm.AlarmDescription ? `: ${alarm.AlarmDescription}` : ''}`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: title.slice(0, 150), emoji: true } },
      ...(alarm.AlarmDescription
        ? [
            {
              type: 'section',
              text: { type: 'mrkdwn', text: `*What to do*\n${escape(alarm.AlarmDescription)}` },
            },
          ]
        : []),
      {
        type: 'section',
        fields: [
          { type: 'mrkdwn', text: `*Since*\n${escape(inZone(alarm.StateChangeTime, environment.timezone))}` },
          { type: 'mrkdwn', text: `*Why*\n${escape(alarm.NewStateReason ?? '—')}` },
        ],
      },
      { type: 'actions', elements: [button('Alarm', url)] },
    ],
  };
}

const oneMinuteAfter = (iso: string) => {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? iso : new Date(time + 60_000).toISOString().replace('.000Z', 'Z');
};

const slotText = (slot: string, timeZone: string) =>
  slot.startsWith('manual:') ? 'manual run' : inZone(slot, timeZone);

/** ` — 12 times since Tue 24 Nov 01:05 JST` on a repeat of an incident; nothing on its first message. */
function stormCount(context: MessageContext, noun: 'times' | 'slots'): string {
  if (context.count <= 1) return '';
  const since = context.since ? inZone(context.since, context.job.timezone) : 'the first';
  return ` — ${context.count} ${noun} since ${since}`;
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
