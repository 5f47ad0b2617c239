import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, it } from 'vitest';
import { loadConfig } from '../../lib/config';
import { createApp } from '../../lib/stages/create-app';
import { testApp } from '../support/cdk-context';
import { jobInput } from '../support/fixtures';
import { FIXTURE_CONFIG } from '../fixtures/config';

describe('a job’s starting deadline', () => {
  let jobs: Template;
  beforeAll(() => {
    const schedules = [
      { ...jobInput, name: 'quick-start', startingDeadline: '10m' },
      { ...jobInput, name: 'default-start' },
    ];
    const { stacks } = createApp(testApp(), loadConfig('sandbox', { ...FIXTURE_CONFIG, schedules }));
    jobs = Template.fromStack(stacks.jobs[0]!);
  });

  it('is how long Scheduler keeps trying to start a run (its maximum event age)', () => {
    jobs.hasResourceProperties('AWS::Scheduler::Schedule', {
      Name: 'sandbox-quick-start-0',
      Target: Match.objectLike({ RetryPolicy: { MaximumRetryAttempts: 5, MaximumEventAgeInSeconds: 600 } }),
    });
  });

  it('is 1 h when the job sets none, as before it was a setting', () => {
    jobs.hasResourceProperties('AWS::Scheduler::Schedule', {
      Name: 'sandbox-default-start-0',
      Target: Match.objectLike({ RetryPolicy: { MaximumRetryAttempts: 5, MaximumEventAgeInSeconds: 3600 } }),
    });
  });
});
