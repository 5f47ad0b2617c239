/**
 * The messages an operator sees, rendered from the notifier's own code with the events the
 * tests use: docs/operators-guide.md shows these (`npm run docs:notifier`), and a test fails
 * when the guide no longer matches them.
 */
import {
  alarmMessage,
  fallbackMessage,
  missedMessage,
  recoveryMessage,
  runMessage,
  type SlackMessage,
} from '../message';
import { readNotice } from '../notice';
import { alarmNotification, EXECUTION_ARN, runDetail } from './events';

const environment = { name: 'sandbox', region: 'ap-northeast-1' };
const job = { timezone: 'Asia/Tokyo', retries: 2, timeoutSeconds: 3600 };
const slot = '2026-11-23T18:00:00Z';

export function notifierExamples(): [string, SlackMessage][] {
  const failed = runDetail('nightly-sales-report', slot);
  const alarm = readNotice(alarmNotification('ALARM'));
  if (alarm.type !== 'alarm') throw new Error('not an alarm');
  return [
    ['A run failed (the first of an incident)', runMessage(failed, { environment, job, count: 1 })],
    [
      'The same job failed again: the first message is updated, not repeated',
      runMessage(failed, { environment, job, count: 12, since: slot }),
    ],
    [
      'It succeeded again: a reply in the thread',
      recoveryMessage(
        runDetail('nightly-sales-report', '2026-11-24T18:00:00Z', {
          status: 'Succeeded',
          reason: 'exited with code 0',
        }),
        {
          environment,
          job,
          count: 12,
          since: slot,
        },
      ),
    ],
    [
      'A run lost its Spot capacity',
      fallbackMessage(
        {
          job: 'nightly-sales-report',
          slot,
          reason: 'Spot capacity unavailable',
          executionArn: EXECUTION_ARN,
        },
        { environment, job, count: 1 },
      ),
    ],
    [
      'A slot nobody ran',
      missedMessage(
        { job: 'nightly-sales-report', slot, reason: 'no run claimed the slot 10 minutes after it' },
        { environment, job, count: 1 },
      ),
    ],
    [
      'An alarm (to the environment’s channel)',
      alarmMessage(alarm.alarm, { ...environment, timezone: 'Asia/Tokyo' }),
    ],
  ];
}

/** The parts of the Block Kit blocks the notifier writes. */
interface Block {
  readonly type: string;
  readonly text?: { readonly text: string };
  readonly fields?: readonly { readonly text: string }[];
  readonly elements?: readonly { readonly text: string | { readonly text: string } }[];
}

/** A Block Kit message as text, roughly as Slack lays it out. */
export function asText(message: SlackMessage): string {
  const lines: string[] = [];
  const text = (value: string | { readonly text: string }) =>
    typeof value === 'string' ? value : value.text;
  for (const block of message.blocks as unknown as readonly Block[]) {
    const elements = (block.elements ?? []).map((e) => text(e.text));
    switch (block.type) {
      case 'header':
        lines.push(block.text?.text ?? '');
        break;
      case 'section':
        if (block.text) lines.push(unescape(block.text.text).replace(/\*([^*\n]+)\*\n/g, '$1: '));
        for (const field of block.fields ?? [])
          lines.push(unescape(field.text).replace(/^\*([^*]+)\*\n/, '$1: '));
        break;
      case 'actions':
        lines.push(elements.map((label) => `[${label}]`).join(' '));
        break;
      case 'context':
        lines.push(...elements.map(unescape));
        break;
    }
  }
  if (lines.length === 0) lines.push(message.text);
  return lines.join('\n');
}

const unescape = (text: string) => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** The guide's section between its markers. */
export function examplesMarkdown(): string {
  return notifierExamples()
    .map(([title, message]) => `**${title}**\n\n\`\`\`text\n${asText(message)}\n\`\`\``)
    .join('\n\n');
}
