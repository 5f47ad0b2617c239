import { describe, expect, it } from 'vitest';
import { executionUrl, jobLogUrl, logStreamUrl } from '../../lib/schedule/console-links';

describe('console links', () => {
  it('opens an execution in the Step Functions console of its region', () => {
    expect(executionUrl('eu-west-1', 'arn:aws:states:eu-west-1:1:execution:m:e')).toBe(
      'https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/arn:aws:states:eu-west-1:1:execution:m:e',
    );
  });

  it('encodes log group and stream the way the CloudWatch console does: twice, with $ for %', () => {
    expect(logStreamUrl('ap-northeast-1', '/batch-platform/prod/jobs', 'a b/job/1')).toBe(
      'https://ap-northeast-1.console.aws.amazon.com/cloudwatch/home?region=ap-northeast-1#logsV2:log-groups/log-group/$252Fbatch-platform$252Fprod$252Fjobs/log-events/a$2520b$252Fjob$252F1',
    );
  });

  it("finds a job's log stream from its ECS task ARN, and nothing from something else", () => {
    const env = { name: 'sandbox', region: 'ap-northeast-1' };
    expect(jobLogUrl(env, 'nightly', 'arn:aws:ecs:ap-northeast-1:1:task/sandbox-jobs/abc')).toBe(
      'https://ap-northeast-1.console.aws.amazon.com/cloudwatch/home?region=ap-northeast-1#logsV2:log-groups/log-group/$252Fbatch-platform$252Fsandbox$252Fjobs/log-events/nightly$252Fjob$252Fabc',
    );
    expect(jobLogUrl(env, 'nightly', 'arn:aws:ecs:ap-northeast-1:1:container-instance/x')).toBeUndefined();
    expect(jobLogUrl(env, 'nightly', 'arn:aws:ecs:ap-northeast-1:1:task/')).toBeUndefined();
  });
});
