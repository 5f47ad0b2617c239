import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config';
import { accessNames } from '../../lib/schedule/naming';
import { AccessStack } from '../../lib/stacks/access-stack';
import { FIXTURE_CONFIG } from '../fixtures/config';
import { testApp } from '../support/cdk-context';
import { synthesized } from '../support/synth';

const config = loadConfig('sandbox', FIXTURE_CONFIG);
const names = accessNames('sandbox');
const synth = synthesized('sandbox');
const access = synth.template('Access');

describe('the Access stack', () => {
  it('holds one managed policy and one job task role per profile, and nothing else', () => {
    const resources = access.toJSON()['Resources'] as Record<string, { Type: string }>;
    expect(
      Object.values(resources)
        .map((r) => r.Type)
        .sort(),
    ).toEqual(config.access.flatMap(() => ['AWS::IAM::ManagedPolicy', 'AWS::IAM::Role']).sort());
    for (const profile of config.access) {
      const policies = access.findResources('AWS::IAM::ManagedPolicy', {
        Properties: { ManagedPolicyName: names.policy(profile.name) },
      });
      const [policyId] = Object.keys(policies);
      access.hasResourceProperties('AWS::IAM::Role', {
        RoleName: names.role(profile.name),
        ManagedPolicyArns: [{ Ref: policyId }],
      });
    }
  });

  it('gives a job with a profile its role, and every other job the role with no permissions', () => {
    const jobs = synth.template('Jobs0');
    const taskRoles = Object.values(jobs.findResources('AWS::ECS::TaskDefinition')).map((r) => [
      (r['Properties'] as { Family: string }).Family,
      JSON.stringify((r['Properties'] as { TaskRoleArn: unknown }).TaskRoleArn),
    ]);
    for (const job of config.schedules) {
      const [, role] = taskRoles.find(([family]) => family === `sandbox-job-${job.name}`)!;
      if (job.access === undefined)
        expect(role, job.name).toMatch(/^\{"Fn::GetAtt":\["TaskRole[0-9A-F]{8}","Arn"\]\}$/);
      else
        expect(role, job.name).toBe(
          JSON.stringify(`arn:aws:iam::111111111111:role/${names.role(job.access)}`),
        );
    }
    expect(config.schedules.filter((j) => j.access !== undefined).map((j) => j.name)).toEqual([
      'nightly-sales-report',
      'search-index-rebuild',
      'weekly-backup-verify',
    ]);
  });

  it("attaches a worker's profile to the worker's own role, and no other worker's", () => {
    const roles = synth.template('Workers').findResources('AWS::IAM::Role', {
      Properties: { ManagedPolicyArns: Match.anyValue() },
    });
    expect(Object.keys(roles)).toEqual([expect.stringMatching(/^ledgerexporterTaskTaskRole/)]);
    expect(
      (Object.values(roles)[0]!['Properties'] as { ManagedPolicyArns: unknown }).ManagedPolicyArns,
    ).toEqual([`arn:aws:iam::111111111111:policy/${names.policy('every-grant')}`]);
  });

  it('prints at synth what another account must add to its policy', () => {
    const app = testApp();
    const stack = new AccessStack(app, 'Access', {
      env: { account: config.environment.account, region: config.environment.region },
      config: config.environment,
      profiles: config.access,
    });
    const infos = Annotations.fromStack(stack).findInfo(
      '*',
      Match.stringLikeRegexp('Access profile every-grant reaches account 999999999999'),
    );
    const statement = (message: string): unknown => JSON.parse(message.split('\n').slice(1).join('\n'));
    expect(infos.map((i) => statement(i.entry.data as string))).toEqual([
      {
        Sid: 'everygrant2',
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::111111111111:role/sandbox-job-profile-every-grant' },
        Action: ['s3:AbortMultipartUpload', 's3:PutObject'],
        Resource: ['arn:aws:s3:::partner-dropbox/acme/*'],
      },
      {
        Sid: 'everygrant3',
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::111111111111:role/sandbox-job-profile-every-grant' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: ['arn:aws:kms:ap-northeast-1:999999999999:key/1234abcd-12ab-34cd-56ef-1234567890ab'],
      },
    ]);
    expect(Annotations.fromStack(stack).findInfo('*', Match.stringLikeRegexp('reports-writer'))).toEqual([]);
  });
});
