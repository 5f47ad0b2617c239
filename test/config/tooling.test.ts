import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/config';
import { parseTooling } from '../../lib/config/tooling-schema';
import { problemsOf } from '../support/config-problems';

const tooling = {
  account: '444444444444',
  connectionArn:
    'arn:aws:codeconnections:ap-northeast-1:444444444444:connection/00000000-0000-0000-0000-000000000000',
  repository: 'example-org/batch-platform',
};
const environments = ['sandbox', 'staging', 'production'];
const stagesProblems = (stages: unknown) =>
  problemsOf(() => parseTooling({ ...tooling, stages }, environments));

describe('tooling.stages', () => {
  it('takes environments of the file, in order', () => {
    expect(parseTooling({ ...tooling, stages: ['production', 'staging'] }, environments).stages).toEqual([
      'production',
      'staging',
    ]);
    expect(parseTooling(tooling, environments).stages).toEqual(['staging', 'production']);
  });

  it('names tooling.stages, not -c env, for a stage that is no environment', () => {
    expect(stagesProblems(['staging', 'prod'])).toEqual([
      'tooling.stages.1: "prod" is not an environment of this file: did you mean "production"? the pipeline deploys environments, one of sandbox, staging, production',
    ]);
    expect(stagesProblems(['stagign'])).toEqual([
      'tooling.stages.0: "stagign" is not an environment of this file: did you mean "staging"? the pipeline deploys environments, one of sandbox, staging, production',
    ]);
    expect(stagesProblems(['staging', 'tooling'])).toEqual([
      'tooling.stages.1: "tooling" is not an environment of this file: the pipeline deploys environments, one of sandbox, staging, production',
    ]);
  });

  it('refuses a stage listed twice', () => {
    expect(stagesProblems(['staging', 'production', 'staging'])).toEqual([
      'tooling.stages.2: "staging" is listed twice: the pipeline deploys each environment once',
    ]);
  });

  it('names tooling.stages for a stages list of the wrong type', () => {
    expect(stagesProblems('staging')).toEqual(['tooling.stages: must be a list, got a string']);
    expect(stagesProblems([])).toEqual([
      'tooling.stages: must name at least one environment to deploy, e.g. ["staging", "production"]',
    ]);
  });

  it('names the file it was given', () => {
    expect(() => parseTooling({ ...tooling, stages: ['x'] }, environments, 'config/other.ts')).toThrow(
      ConfigError,
    );
    expect(() => parseTooling({ ...tooling, stages: ['x'] }, environments, 'config/other.ts')).toThrow(
      /^config\/other\.ts is invalid:/,
    );
  });
});
