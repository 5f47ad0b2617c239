import { describe, expect, it } from 'vitest';
import { jobRunnerInput } from '../../lib/schedule/runner-input';
import { scheduledJob } from '../../test/support/fixtures';
import { toRunRecord, type RecorderEvent } from '../job-recorder/record';
import {
  alarmMessage,
  fallbackMessage,
  inZone,
  missedMessage,
  notStartedMessage,
  recoveryMessage,
  runMessage,
  type MessageContext,
} from './message';

const executionArn = 'arn:aws:states:ap-northeast-1:111111111111:execution:sandbox-job-runner:exec-1';
const job = scheduledJob({ name: 'nightly-report', retries: 2, timeoutSeconds: 3600 });

/** A run record as the recorder writes it, from the runner's state at the end of a run. */
function record(state: Partial<RecorderEvent['state']> = {}) {
  return toRunRecord(
    {
      state: {
        ...jobRunnerInput('sandbox', job, 'schedule', '2026-11-23T18:00:00Z'),
        run: {
          attempt: 2,
          capacity: 'on-demand',
          fellBack: true,
          fallbackReason: 'Spot capacity unavailable',
        },
        lease: { decision: 'run', held: true },
        outcome: { status: 'Failed', reason: 'exited with code 3' },
        task: {
          TaskArn: 'arn:aws:ecs:ap-northeast-1:111111111111:task/sandbox-jobs/0123abcd',
          StopCode: 'EssentialContainerExited',
          StoppedReason: 'Essential container in task exited',
          Containers: [{ ExitCode: 3 }],
        },
        ...state,
      },
      executionArn,
      executionName: 'exec-1',
      startedAt: '2026-11-23T18:00:02.000Z',
      endedAt: '2026-11-23T18:21:40.000Z',
    },
    'sandbox',
  );
}
const context: MessageContext = {
  environment: { name: 'sandbox', region: 'ap-northeast-1' },
  job: { timezone: 'Asia/Tokyo', retries: 2, timeoutSeconds: 3600 },
  count: 1,
};

describe('the Slack message of a run', () => {
  it('renders a failed run as Block Kit, from the run record the recorder writes', () => {
    expect(runMessage(record(), context)).toMatchSnapshot();
  });

  it('says job, environment, slot in the job zone, status and reason, exit code, attempt n/m, capacity, duration', () => {
    const { text, blocks } = runMessage(record(), context);
    expect(text).toBe(
      ':red_circle: nightly-report failed in sandbox: exited with code 3 (Essential container in task exited)',
    );
    const fields = (blocks[1] as { fields: { text: string }[] }).fields.map((f) => f.text);
    expect(fields).toEqual([
      '*Slot*\nTue 24 Nov 03:00 JST',
      '*Status*\nFailed: exited with code 3 (Essential container in task exited)',
      '*Exit code*\n3',
      '*Attempt*\n3 of 3',
      '*Capacity*\non-demand (fell back from Spot)',
      '*Duration*\n21m 38s of 1h 0m allowed',
    ]);
  });

  it('links to the execution and the log stream in one click, and gives the commands to act', () => {
    const { blocks } = runMessage(record(), context);
    const urls = (blocks[2] as { elements: { url: string }[] }).elements.map((e) => e.url);
    expect(urls).toEqual([
      `https://ap-northeast-1.console.aws.amazon.com/states/home?region=ap-northeast-1#/v2/executions/details/${executionArn}`,
      'https://ap-northeast-1.console.aws.amazon.com/cloudwatch/home?region=ap-northeast-1#logsV2:log-groups/log-group/$252Fbatch-platform$252Fsandbox$252Fjobs/log-events/nightly-report$252Fjob$252F0123abcd',
    ]);
    const commands = (blocks[3] as { elements: { text: string }[] }).elements[0]!.text;
    expect(commands).toBe(
      '`npm run job -- status nightly-report --env sandbox`  ·  `npm run job -- logs nightly-report --env sandbox`  ·  `npm run job -- run nightly-report --env sandbox`',
    );
  });

  it('counts a storm in the headline: "failed in sandbox — 12 times since Tue 24 Nov 01:05"', () => {
    const { blocks } = runMessage(record(), { ...context, count: 12, since: '2026-11-23T16:05:00Z' });
    expect((blocks[0] as { text: { text: string } }).text.text).toBe(
      ':red_circle: nightly-report failed in sandbox — 12 times since Tue 24 Nov 01:05 JST',
    );
  });

  it('shows AWS’s cause when the task never ran, escaped for Slack', () => {
    const noTask = record({
      task: undefined,
      error: { Error: 'ECS.AccessDeniedException', Cause: 'not authorized to perform: ecs:RunTask on <arn>' },
      outcome: { status: 'Failed', reason: 'the work could not run for a reason outside the job' },
    });
    const { blocks } = runMessage(noTask, context);
    expect(blocks).toContainEqual({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: '*Cause*\n```ECS.AccessDeniedException: not authorized to perform: ecs:RunTask on &lt;arn&gt;```',
      },
    });
    expect((blocks.at(-2) as { elements: unknown[] }).elements).toHaveLength(1); // no log stream to link
  });

  it('says a manual run is manual, and a timeout as such', () => {
    const manual = toRunRecord(
      {
        state: {
          ...jobRunnerInput('sandbox', job, 'manual', 'manual:1b4e28ba'),
          run: { attempt: 0, capacity: 'spot', fellBack: false },
          lease: { decision: 'run', held: true },
          outcome: { status: 'TimedOut', reason: 'exceeded its timeout of 3600 s; its work was stopped' },
        },
        executionArn,
        executionName: 'exec-1',
        startedAt: '2026-11-23T18:00:02.000Z',
        endedAt: '2026-11-23T19:00:40.000Z',
      },
      'sandbox',
    );
    const { text, blocks } = runMessage(manual, context);
    expect(text).toBe(
      ':hourglass: nightly-report timed out in sandbox: exceeded its timeout of 3600 s; its work was stopped',
    );
    expect((blocks[1] as { fields: { text: string }[] }).fields[0]!.text).toBe('*Slot*\nmanual run');
  });

  it('replies with a recovery that says after how many failures', () => {
    const ok = record({ outcome: { status: 'Succeeded', reason: 'exited with code 0' } });
    expect(recoveryMessage(ok, { ...context, count: 12 }).text).toBe(
      ':large_green_circle: nightly-report succeeded again in sandbox after 12 failed runs (slot Tue 24 Nov 03:00 JST)',
    );
    expect(recoveryMessage(ok, context).text).toContain('after 1 failed run (');
  });

  it('writes times with weekday and zone, DST included', () => {
    expect(inZone('2026-03-08T06:30:00Z', 'America/New_York')).toBe('Sun 8 Mar 01:30 EST');
    expect(inZone('2026-03-08T07:30:00Z', 'America/New_York')).toBe('Sun 8 Mar 03:30 EDT');
    expect(inZone('not a time', 'UTC')).toBe('not a time');
  });

  it.each([
    ['Skipped', ':white_circle: nightly-report was skipped in sandbox'],
    ['Succeeded', ':large_yellow_circle: nightly-report fell back to on-demand in sandbox'],
    ['Unheard', ':grey_question: nightly-report unheard in sandbox'],
  ])('heads a %s run with its own emoji and verb', (status, title) => {
    const run = { ...record(), status } as unknown as ReturnType<typeof record>;
    expect(runMessage(run, context).text.startsWith(`${title}: `)).toBe(true);
  });

  it('says a storm without a start time plainly, cuts a long header to Slack’s 150 characters', () => {
    const long = { ...record(), job: 'j'.repeat(200) };
    const { blocks, text } = runMessage(long, { ...context, count: 2 });
    expect(text).toContain(' — 2 times since the first');
    expect((blocks[0] as { text: { text: string } }).text.text).toHaveLength(150);
  });

  it('writes a missing exit code as a dash, and short and long durations readably', () => {
    const field = (run: ReturnType<typeof record>, name: string) =>
      (runMessage(run, context).blocks[1] as { fields: { text: string }[] }).fields
        .map((f) => f.text)
        .find((t) => t.startsWith(`*${name}*`));
    expect(field({ ...record(), exitCode: undefined }, 'Exit code')).toBe('*Exit code*\n—');
    expect(field({ ...record(), durationSeconds: 59 }, 'Duration')).toBe('*Duration*\n59s of 1h 0m allowed');
    expect(field({ ...record(), durationSeconds: 60 }, 'Duration')).toBe(
      '*Duration*\n1m 0s of 1h 0m allowed',
    );
    expect(field({ ...record(), durationSeconds: 7_325 }, 'Duration')).toBe(
      '*Duration*\n2h 2m of 1h 0m allowed',
    );
    expect(field({ ...record(), reason: 'a & b' }, 'Status')).toBe('*Status*\nFailed: a &amp; b');
  });

  it('lays the recovery out as one escaped section', () => {
    const ok = { ...record({ outcome: { status: 'Succeeded', reason: 'exited with code 0' } }), job: 'a<b' };
    expect(recoveryMessage(ok, context).blocks).toEqual([
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: ':large_green_circle: a&lt;b succeeded again in sandbox after 1 failed run (slot Tue 24 Nov 03:00 JST)',
        },
      },
    ]);
  });
});

describe('the other messages', () => {
  const alarm = {
    AlarmName: 'sandbox-Notifications-UndeliveredAlarm',
    AlarmDescription: 'redrive the <dead-letter> queue',
    NewStateValue: 'ALARM',
    NewStateReason: 'Threshold Crossed',
    StateChangeTime: '2026-11-24T01:05:00.000+0000',
  };
  const env = { name: 'sandbox', region: 'ap-northeast-1', timezone: 'Asia/Tokyo' };

  it('renders a fallback, a missed slot, a refused start and an alarm as Block Kit', () => {
    expect({
      fallback: fallbackMessage(
        {
          job: 'nightly-report',
          slot: '2026-11-23T18:00:00Z',
          reason: 'Spot capacity unavailable',
          executionArn,
        },
        context,
      ),
      missed: missedMessage(
        { job: 'nightly-report', slot: '2026-11-23T18:00:00Z', reason: 'no run claimed it' },
        context,
      ),
      notStarted: notStartedMessage(
        { executionArn, error: 'InvalidRunInput', cause: 'slot: <bad>' },
        context.environment,
      ),
      alarm: alarmMessage(alarm, env),
    }).toMatchSnapshot();
  });

  it('counts repeats of a fallback and of missed slots in the headline', () => {
    const storm = { ...context, count: 3, since: '2026-11-23T16:05:00Z' };
    const detail = { job: 'a', slot: '2026-11-23T18:00:00Z', executionArn };
    expect(fallbackMessage(detail, storm).text).toBe(
      ':large_yellow_circle: a fell back to on-demand in sandbox — 3 times since Tue 24 Nov 01:05 JST: Spot capacity was not available or the task was interrupted',
    );
    expect(missedMessage(detail, { ...storm, since: undefined }).text).toBe(
      ':warning: a did not run at Tue 24 Nov 03:00 JST in sandbox — 3 slots since the first: no run claimed the slot',
    );
    expect(missedMessage(detail, storm).text).toContain('— 3 slots since Tue 24 Nov 01:05 JST:');
  });

  it('gives the backfill command for exactly the missed slot, and says a manual slot is manual', () => {
    const text = JSON.stringify(missedMessage({ job: 'a', slot: '2026-11-23T18:00:00Z' }, context).blocks);
    expect(text).toContain(
      'backfill a --from 2026-11-23T18:00:00Z --to 2026-11-23T18:01:00Z --env sandbox --dry-run',
    );
    expect(JSON.stringify(missedMessage({ job: 'a', slot: 'x' }, context).blocks)).toContain(
      '--from x --to x',
    );
    expect(fallbackMessage({ job: 'a', slot: 'manual:1', executionArn }, context).blocks[1]).toMatchObject({
      fields: [{ text: '*Slot*\nmanual run' }, expect.anything()],
    });
  });

  it('says an alarm that cleared, an unknown state, and one without a description or reason', () => {
    const ok = alarmMessage(
      { ...alarm, NewStateValue: 'OK', AlarmDescription: null, NewStateReason: undefined },
      env,
    );
    expect(ok.text).toBe(':white_check_mark: OK: sandbox-Notifications-UndeliveredAlarm');
    expect(ok.blocks.map((b) => b['type'])).toEqual(['header', 'section', 'actions']);
    expect(JSON.stringify(ok.blocks)).toContain('*Why*\\n—');
    expect(alarmMessage({ ...alarm, NewStateValue: 'INSUFFICIENT_DATA' }, env).text).toMatch(
      /^:grey_question: /,
    );
    expect(JSON.stringify(alarmMessage(alarm, env).blocks)).toContain(
      '#alarmsV2:alarm/sandbox-Notifications-UndeliveredAlarm',
    );
  });

  it('says what is unknown about a run that was not recorded', () => {
    const bare = {
      job: 'a',
      slot: '2026-11-23T18:00:00Z',
      trigger: 'schedule' as const,
      status: 'Failed' as const,
      reason: 'the job failed on attempt 1',
      executionArn,
    };
    const fields = (run: typeof bare & { recorded?: boolean }) =>
      (runMessage(run, context).blocks[1] as { fields: { text: string }[] }).fields.map((f) => f.text);
    expect(fields({ ...bare, recorded: false }).slice(2)).toEqual([
      '*Exit code*\n—',
      '*Attempt*\n— (run not recorded)',
      '*Capacity*\n— (run not recorded)',
      '*Duration*\n— (run not recorded)',
    ]);
    expect(fields(bare)[3]).toBe('*Attempt*\n—');
  });

  it('cuts long fallback, missed-slot and alarm headers to Slack’s 150 characters', () => {
    const long = { job: 'j'.repeat(200), slot: '2026-11-23T18:00:00Z', executionArn };
    const header = (message: { readonly blocks: readonly unknown[] }) =>
      (message.blocks[0] as { text: { text: string } }).text.text;
    expect(header(fallbackMessage(long, context))).toHaveLength(150);
    expect(header(missedMessage(long, context))).toHaveLength(150);
    expect(header(alarmMessage({ ...alarm, AlarmName: 'a'.repeat(200) }, env))).toHaveLength(150);
  });

  it('says a fallback storm without a start time plainly', () => {
    const detail = { job: 'a', slot: '2026-11-23T18:00:00Z', executionArn };
    expect(fallbackMessage(detail, { ...context, count: 2 }).text).toContain(' — 2 times since the first:');
  });

  it('cuts a refused start’s cause at 2,000 characters, and says when AWS gave none', () => {
    const long = notStartedMessage(
      { executionArn, error: 'E', cause: 'c'.repeat(3000) },
      context.environment,
    );
    expect(JSON.stringify(long.blocks[1])).toContain(`E: ${'c'.repeat(1997)}\`\`\``);
    expect(long.text).toHaveLength(':red_circle: a job run could not start in sandbox: E: '.length + 3000);
    expect(notStartedMessage({ executionArn }, context.environment).text).toBe(
      ':red_circle: a job run could not start in sandbox: Error: no cause given',
    );
  });
});
