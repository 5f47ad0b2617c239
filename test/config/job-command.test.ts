import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config';
import { TASK_NAMES } from '../../containers/batch-job/src/tasks/names';
import { tasks } from '../../containers/batch-job/src/tasks';
import { jobInput } from '../support/fixtures';
import { problemsOf } from '../support/config-problems';
import { FIXTURE_CONFIG } from '../fixtures/config';

const load = (job: object) =>
  loadConfig('sandbox', { ...FIXTURE_CONFIG, schedules: [{ ...jobInput, ...job }] });
const problems = (job: object) => problemsOf(() => load(job));
const TASKS =
  'the tasks of containers/batch-job are partner-sync, check-endpoints, sales-report, post-digest, invoice-run, reindex, check-certificates, session-cleanup, backup-verify, ftp-import, canary';

describe("a job's command on the batch-job image", () => {
  it('names the task that is not in the image, with the one meant', () => {
    expect(problems({ command: ['node', 'main.js', 'partner-synk'] })).toEqual([
      `nightly-report.command.2: "partner-synk" is not a task of containers/batch-job: did you mean "partner-sync"? ${TASKS} (or add the task to containers/batch-job/src/tasks/)`,
    ]);
  });

  it('lists the tasks when nothing is close', () => {
    expect(problems({ command: ['node', 'main.js', 'report'] })).toEqual([
      `nightly-report.command.2: "report" is not a task of containers/batch-job: ${TASKS} (or add the task to containers/batch-job/src/tasks/)`,
    ]);
  });

  it('says a task is missing when the command stops at main.js', () => {
    expect(problems({ command: ['node', 'main.js'] })).toEqual([
      `nightly-report.command: names no task: write ["node", "main.js", "<task>", ...args]; ${TASKS}`,
    ]);
  });

  it('checks the command after this environment’s overrides', () => {
    expect(problems({ overrides: { sandbox: { command: ['node', 'main.js', 'canary-x'] } } })[0]).toMatch(
      /^nightly-report\.command\.2: "canary-x" is not a task of containers\/batch-job: did you mean "canary"\?/,
    );
  });

  it('accepts every task of the image, with its arguments', () => {
    for (const task of TASK_NAMES) {
      expect(load({ command: ['node', 'main.js', task, '--x'] }).schedules[0]!.command[2]).toBe(task);
    }
  });

  it('leaves other images and other programs alone: nothing says what they run', () => {
    expect(() =>
      load({ image: { directory: 'sqs-worker' }, command: ['node', 'main.js', 'report'] }),
    ).not.toThrow();
    expect(() =>
      load({
        image: { ecrRepository: 'arn:aws:ecr:ap-northeast-1:123456789012:repository/reports', tag: 'v1' },
        command: ['node', 'main.js', 'report'],
      }),
    ).not.toThrow();
    expect(() => load({ command: ['sh', '-c', 'report'] })).not.toThrow();
    expect(() => load({ command: ['node', 'other.js', 'report'] })).not.toThrow();
  });

  it('reads the same names as the image’s registry', () => {
    expect([...tasks.keys()]).toEqual([...TASK_NAMES]);
  });
});
