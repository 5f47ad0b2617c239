import { TASK_NAMES } from '../../containers/batch-job/src/tasks/names';
import type { ImageRef } from './common-schema';
import { closestMatch } from './did-you-mean';

/** What is wrong with a job's command: the argument's index in `command`, if it is one. */
export interface CommandProblem {
  readonly index?: number;
  readonly message: string;
}

/**
 * A job's command that its image cannot run, where the image says what it runs: the
 * `containers/batch-job` image runs `node main.js <task>` and knows its tasks
 * (containers/batch-job/src/tasks/names.ts), so a misspelt task fails `cdk synth` instead of
 * every run of the job with exit 2. Other images, and other programs in this one, are not
 * checked: nothing here knows what they run.
 */
export function jobCommandProblem(image: ImageRef, command: readonly string[]): CommandProblem | undefined {
  if (!('directory' in image) || image.directory !== 'batch-job') return undefined;
  if (command[0] !== 'node' || command[1] !== 'main.js') return undefined;
  const task = command[2];
  const valid = `the tasks of containers/batch-job are ${TASK_NAMES.join(', ')}`;
  if (task === undefined) {
    return { message: `names no task: write ["node", "main.js", "<task>", ...args]; ${valid}` };
  }
  if ((TASK_NAMES as readonly string[]).includes(task)) return undefined;
  const match = closestMatch(task, TASK_NAMES);
  return {
    index: 2,
    message: `"${task}" is not a task of containers/batch-job: ${match ? `did you mean "${match}"? ` : ''}${valid} (or add the task to containers/batch-job/src/tasks/)`,
  };
}
