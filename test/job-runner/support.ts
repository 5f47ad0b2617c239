import { afterEach, beforeAll, beforeEach, expect, vi } from 'vitest';
import type { ScheduledJobConfig } from '../../lib/config';
import { jobRunnerInput, type JobRunnerInput } from '../../lib/schedule/runner-input';
import { scheduledJob } from '../support/fixtures';
import { stateMachineAuthorizer } from './authorizer';
import { jobRunnerDefinition } from './definition';
import { World } from './world';

// Each scenario runs the job runner's real synthesized definition in aws-local-stepfunctions,
// with its Task states answered by the real Lambda code against an in-memory AWS (./world.ts).
let definition: Record<string, unknown>;
let authorize: ReturnType<typeof stateMachineAuthorizer>;
let current: World | undefined;

/** Registers the shared synth and the per-scenario contract check in the calling test file. */
export function useWorld(): () => World {
  beforeAll(() => {
    definition = jobRunnerDefinition('sandbox');
    authorize = stateMachineAuthorizer();
  });
  // The real Lambda code logs every decision (Powertools, JSON on stdout): keep it out of the run's output.
  beforeEach(() => void vi.spyOn(process.stdout, 'write').mockImplementation(() => true));
  afterEach(() => {
    vi.restoreAllMocks();
    const world = current;
    current = undefined;
    world?.restore();
    // Whatever a scenario asserts, nothing it did may break AWS's contract.
    expect(world?.violations ?? []).toEqual([]);
  });
  return () => (current = new World(definition, authorize));
}

export const input = (
  overrides: Partial<ScheduledJobConfig> = {},
  slot = '2026-11-23T03:00:00Z',
): JobRunnerInput => jobRunnerInput('sandbox', scheduledJob(overrides), 'schedule', slot);

/** A task that keeps running until `release()` is called. */
export function gate() {
  let release!: () => void;
  const opened = new Promise<void>((resolve) => (release = resolve));
  return { opened, release };
}

export const until = async (condition: () => boolean) => {
  for (let i = 0; i < 400 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!condition()) throw new Error('condition not reached');
};
