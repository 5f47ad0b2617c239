import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockAws } from '../../test/support/aws-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config';
import { bootstrapCommand, checkBootstrap, requiredBootstrap } from './bootstrap';
import { formatFinding } from './findings';
import { awsError, fixtureConfig, testClients } from './test-support';
import { FIXTURE_CONFIG } from '../../test/fixtures/config';

const ssm = mockAws(SSMClient);
const config = fixtureConfig();
const required = { version: 6, parameter: '/cdk-bootstrap/hnb659fds/version' };

beforeEach(() => ssm.reset());

const lines = async () =>
  (await checkBootstrap(config.environment, config.tooling, required, testClients().ssm)).map(formatFinding);

describe('the bootstrap version aws-cdk-lib requires', () => {
  it('is read from a synthesized stack: version 6 and the default qualifier’s parameter', () => {
    expect(requiredBootstrap(config.environment)).toEqual(required);
  });
});

describe('CDK bootstrap check', () => {
  it('passes at the required version or later', async () => {
    ssm.on(GetParameterCommand, { Name: required.parameter }).resolves({ Parameter: { Value: '30' } });
    expect(await lines()).toEqual([
      '✓ CDK bootstrap of 222222222222 ap-northeast-1 is version 30 (needs 6 or later)',
    ]);
  });

  it('blocks on an older bootstrap stack', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: '5' } });
    expect((await lines())[0]).toMatch(
      /^blocker: CDK bootstrap of 222222222222 ap-northeast-1 is version 5; this aws-cdk-lib needs 6 or later; fix: bootstrap again/,
    );
  });

  it('blocks on an account that was never bootstrapped; a pipeline stage must trust the tooling account', async () => {
    ssm.on(GetParameterCommand).rejects(awsError('ParameterNotFound'));
    expect(await lines()).toEqual([
      'blocker: 222222222222 ap-northeast-1 is not CDK-bootstrapped (no /cdk-bootstrap/hnb659fds/version); fix: npx cdk bootstrap aws://222222222222/ap-northeast-1 --trust 444444444444 --cloudformation-execution-policies arn:aws:iam::aws:policy/AdministratorAccess',
    ]);
  });

  it('tells a laptop-deployed environment to bootstrap without trusting the pipeline', () => {
    const sandbox = { ...config.environment, name: 'sandbox' };
    expect(bootstrapCommand(sandbox, config.tooling)).toBe(
      'npx cdk bootstrap aws://222222222222/ap-northeast-1',
    );
    // The fixture config's pipeline stages get --trust too.
    const live = loadConfig('staging', FIXTURE_CONFIG);
    expect(bootstrapCommand(live.environment, live.tooling)).toContain(`--trust ${live.tooling.account}`);
  });
});
