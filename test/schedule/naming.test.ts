import { describe, expect, it } from 'vitest';
import { dateTimeFormat } from '../../lib/schedule/date-format';
import { issuesText } from '../../lib/schedule/issues';
import {
  accessNames,
  JOB_CONTAINER_NAME,
  JOB_EVENT_SOURCE,
  jobNames,
  stateMachineArn,
  workerClusterName,
  workerQueueNames,
} from '../../lib/schedule/naming';

describe('resource names the stacks and the job CLI agree on', () => {
  it('derives every name from the environment', () => {
    const names = jobNames('staging');
    expect({
      cluster: names.cluster,
      stateMachine: names.stateMachine,
      table: names.table,
      eventBus: names.eventBus,
      logGroup: names.logGroup,
      taskFamily: names.taskFamily('nightly-report'),
      schedule: names.schedule('nightly-report', 3),
      logStream: names.logStream('nightly-report', 'abc123'),
    }).toEqual({
      cluster: 'staging-jobs',
      stateMachine: 'staging-job-runner',
      table: 'staging-batch-jobs',
      eventBus: 'staging-batch-jobs',
      logGroup: '/batch-platform/staging/jobs',
      taskFamily: 'staging-job-nightly-report',
      schedule: 'staging-nightly-report-3',
      logStream: 'nightly-report/job/abc123',
    });
    expect(JOB_CONTAINER_NAME).toBe('job');
  });

  it('builds the runner ARN from config alone, and keeps workers in their own cluster', () => {
    expect(stateMachineArn({ name: 'production', account: '123456789012', region: 'ap-northeast-1' })).toBe(
      'arn:aws:states:ap-northeast-1:123456789012:stateMachine:production-job-runner',
    );
    expect(workerClusterName('production')).toBe('production-workers');
    expect(workerQueueNames('production', 'relay')).toEqual({
      queue: 'production-relay',
      deadLetterQueue: 'production-relay-dlq',
    });
    expect(JOB_EVENT_SOURCE).toBe('batch-platform.jobs');
  });
});

describe('accessNames', () => {
  it("names a profile's role inside the runner's iam:PassRole on <env>-job-*, and its policy apart", () => {
    const names = accessNames('staging');
    expect(names.role('reports-writer')).toBe('staging-job-profile-reports-writer');
    expect(names.role('reports-writer').startsWith(`${jobNames('staging').taskFamily('')}`)).toBe(true);
    expect(names.policy('reports-writer')).toBe('staging-access-reports-writer');
  });
});

describe('issuesText', () => {
  it('joins issues as path: message, naming the whole value when the path is empty', () => {
    expect(
      issuesText(
        [
          { path: ['job', 'name'], message: 'too long' },
          { path: [], message: 'unknown key' },
          { path: ['items', 0], message: 'empty' },
        ],
        'input',
      ),
    ).toBe('job.name: too long; input: unknown key; items.0: empty');
  });
});

describe('dateTimeFormat', () => {
  it('formats with the given locale and options, and reuses one format per locale and options', () => {
    const tokyo = dateTimeFormat('en-US', { timeZone: 'Asia/Tokyo', hour: 'numeric', hourCycle: 'h23' });
    expect(tokyo.format(new Date('2026-11-22T18:00:00Z'))).toBe('03');
    expect(dateTimeFormat('en-US', { timeZone: 'Asia/Tokyo', hour: 'numeric', hourCycle: 'h23' })).toBe(
      tokyo,
    );
    const utc = dateTimeFormat('en-US', { timeZone: 'UTC', hour: 'numeric', hourCycle: 'h23' });
    expect(utc).not.toBe(tokyo);
    expect(utc.format(new Date('2026-11-22T18:00:00Z'))).toBe('18');
    expect(dateTimeFormat('de-DE', { timeZone: 'UTC', hour: 'numeric', hourCycle: 'h23' })).not.toBe(utc);
  });
});
