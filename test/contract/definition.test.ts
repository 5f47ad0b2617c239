import validateAsl from 'asl-validator';
import { beforeAll, describe, expect, it } from 'vitest';
import { jobRunnerDefinition } from '../job-runner/definition';
import { INTEGRATIONS, integrationOf, parameterProblems } from './integrations';

type State = {
  Type: string;
  Resource?: string;
  Parameters?: Record<string, unknown>;
  Catch?: { ErrorEquals: string[] }[];
  Retry?: { ErrorEquals: string[] }[];
};
let states: Record<string, State>;
let definition: Record<string, unknown>;
beforeAll(() => {
  definition = jobRunnerDefinition('sandbox', { forInterpreter: false });
  states = definition['States'] as Record<string, State>;
});
const taskStates = () => Object.entries(states).filter(([, s]) => s.Type === 'Task');

/** Errors after which, per the States language, a later catcher or retrier can never match. */
const catchesAllButTimeout = (errors: string[]) =>
  errors.includes('States.ALL') || errors.includes('States.TaskFailed');

export function unreachable(list: { ErrorEquals: string[] }[] = []): string[] {
  const problems: string[] = [];
  list.forEach((entry, i) => {
    if (entry.ErrorEquals.includes('States.ALL') && (entry.ErrorEquals.length > 1 || i !== list.length - 1))
      problems.push(`States.ALL must be alone and last (entry ${i})`);
    const earlier = list.slice(0, i).find((e) => catchesAllButTimeout(e.ErrorEquals));
    if (earlier && entry.ErrorEquals.some((e) => e !== 'States.Timeout'))
      problems.push(
        `entry ${i} (${entry.ErrorEquals.join(', ')}) is unreachable after ${earlier.ErrorEquals.join(', ')}`,
      );
  });
  return problems;
}

describe('the job runner definition against AWS’s contract', () => {
  it('is valid Amazon States Language (asl-validator, paths and ARNs checked)', () => {
    const { isValid, errors } = validateAsl(definition, { checkPaths: true, checkArn: true });
    expect(errors).toEqual([]);
    expect(isValid).toBe(true);
  });

  it('passes each integration only the parameters Step Functions documents for it', () => {
    const problems = taskStates().flatMap(([name, s]) =>
      parameterProblems(s.Resource!, s.Parameters ?? {}).map((p) => `${name}: ${p}`),
    );
    expect(problems).toEqual([]);
  });

  it('uses only integrations in the contract table (a new one needs its entry and source)', () => {
    const resources = [...new Set(taskStates().map(([, s]) => s.Resource!))].filter(
      (r) => integrationOf(r) !== 'lambda',
    );
    expect(resources.sort()).toEqual(Object.keys(INTEGRATIONS).sort());
  });

  it('never passes StartedBy to runTask.sync, and the table says why', () => {
    expect(
      parameterProblems('arn:aws:states:::ecs:runTask.sync', {
        TaskDefinition: 'x',
        'StartedBy.$': '$$.Execution.Name',
      }),
    ).toEqual(['arn:aws:states:::ecs:runTask.sync: StartedBy is not a supported parameter']);
  });

  it('orders every Catch and Retry from the most specific, so no catcher is unreachable', () => {
    const problems = taskStates().flatMap(([name, s]) =>
      [...unreachable(s.Catch), ...unreachable(s.Retry)].map((p) => `${name}: ${p}`),
    );
    expect(problems).toEqual([]);
    // The check itself: TaskFailed before a specific error leaves it unreachable.
    expect(
      unreachable([{ ErrorEquals: ['States.TaskFailed'] }, { ErrorEquals: ['ECS.AccessDeniedException'] }]),
    ).toHaveLength(1);
  });

  it('catches every error of every Task state, so an execution can fail only in a Fail state (safe to redrive)', () => {
    const uncaught = taskStates()
      .filter(([, s]) => !(s.Catch ?? []).some((c) => c.ErrorEquals.includes('States.ALL')))
      .map(([name]) => name);
    expect(uncaught).toEqual([]);
  });
});
