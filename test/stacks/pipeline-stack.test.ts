import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { synthesized } from '../support/synth';

const tooling = synthesized('tooling');
const template = tooling.template('Pipeline');
const { nagFindings, guardFindings } = tooling;
/** Stack names of the stages the pipeline deploys (their stacks' paths are `<stage>/<id>`). */
const stageStacks = tooling.stacks.filter((s) => s.path.includes('/')).map((s) => s.stackName);

describe('PipelineStack (-c env=tooling)', () => {
  it('deploys staging, then production behind a manual approval, after source, synth and self-update', () => {
    const [pipeline] = Object.values(template.findResources('AWS::CodePipeline::Pipeline')) as {
      Properties: { Stages: { Name: string; Actions: { ActionTypeId: { Category: string } }[] }[] };
    }[];
    const stages = pipeline!.Properties.Stages;
    expect(stages.map((s) => s.Name)).toEqual([
      'Source',
      'Build',
      'UpdatePipeline',
      'Assets',
      'staging',
      'production',
    ]);
    const approvals = (name: string) =>
      stages.find((s) => s.Name === name)!.Actions.filter((a) => a.ActionTypeId.Category === 'Approval');
    expect(approvals('staging')).toHaveLength(0);
    expect(approvals('production')).toHaveLength(1);
  });

  it('builds the stages with the same wiring and stack names as a laptop deploy', () => {
    expect(stageStacks).toEqual(
      expect.arrayContaining([
        'staging-Network',
        'staging-JobRunner',
        'production-Jobs0',
        'production-Workers',
      ]),
    );
  });

  it('deploys the pull-request review role to staging only, for the repository it builds', () => {
    expect(stageStacks).toContain('staging-Review');
    expect(stageStacks).not.toContain('production-Review');
    tooling.template('Pipeline/staging/Review').hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Condition: {
              StringEquals: Match.objectLike({
                'token.actions.githubusercontent.com:sub': 'repo:example-org/batch-platform:pull_request',
              }),
            },
          }),
        ],
      },
    });
  });

  it('reads GitHub through the configured connection and runs lint, tests and synth', () => {
    template.hasResourceProperties('AWS::CodePipeline::Pipeline', {
      Stages: Match.arrayWith([
        Match.objectLike({
          Name: 'Source',
          Actions: [
            Match.objectLike({
              ActionTypeId: Match.objectLike({ Provider: 'CodeStarSourceConnection' }),
              Configuration: Match.objectLike({
                FullRepositoryId: 'example-org/batch-platform',
                BranchName: 'main',
              }),
            }),
          ],
        }),
      ]),
    });
    const buildSpecs = JSON.stringify(template.findResources('AWS::CodeBuild::Project'));
    for (const command of [
      'npm ci',
      'npm run lint',
      'npm test',
      'npx cdk synth -c env=tooling -c batch-platform:controlTower=true',
    ]) {
      expect(buildSpecs).toContain(command);
    }
  });

  describe('post-deploy canary', () => {
    type Action = { Name: string; RunOrder: number; Configuration?: { ProjectName?: { Ref: string } } };
    const stageActions = (name: string) => {
      const [pipeline] = Object.values(template.findResources('AWS::CodePipeline::Pipeline')) as {
        Properties: { Stages: { Name: string; Actions: Action[] }[] };
      }[];
      return pipeline!.Properties.Stages.find((s) => s.Name === name)!.Actions;
    };
    const canaryProject = () => {
      const action = stageActions('staging').find((a) => a.Name === 'Canary-staging')!;
      const resource = template.toJSON() as {
        Resources: Record<string, { Properties: Record<string, unknown> }>;
      };
      return resource.Resources[action.Configuration!.ProjectName!.Ref]!.Properties;
    };

    it('runs after every staging stack has deployed, and only after staging', () => {
      const actions = stageActions('staging');
      const canary = actions.find((a) => a.Name === 'Canary-staging');
      expect(canary).toBeDefined();
      const deploys = actions.filter((a) => a.Name.endsWith('.Deploy'));
      expect(deploys.length).toBeGreaterThan(0);
      expect(canary!.RunOrder).toBeGreaterThan(Math.max(...deploys.map((a) => a.RunOrder)));
      expect(stageActions('production').map((a) => a.Name)).not.toContainEqual(
        expect.stringMatching(/Canary/),
      );
    });

    it('runs the canary job in staging through the job CLI, which waits and exits non-zero unless it succeeded', () => {
      const project = canaryProject();
      const spec = JSON.parse(String((project['Source'] as { BuildSpec: string }).BuildSpec)) as {
        phases: { build: { commands: string[] } };
      };
      const commands = spec.phases.build.commands;
      expect(commands[0]).toBe('npm ci');
      expect(commands.at(-1)).toBe('AWS_PROFILE=canary npm run job -- run canary --env staging');
      expect(commands.join('\n')).not.toContain('--no-wait');
      expect(project['TimeoutInMinutes']).toBe(25);
    });

    it('assumes staging’s canary role through an AWS profile on CodeBuild’s own credentials', () => {
      const project = canaryProject();
      const variables = (
        project['Environment'] as { EnvironmentVariables: { Name: string; Value: string }[] }
      ).EnvironmentVariables;
      expect(Object.fromEntries(variables.map((v) => [v.Name, v.Value]))).toMatchObject({
        CANARY_ROLE_ARN: 'arn:aws:iam::222222222222:role/staging-batch-canary',
        CANARY_REGION: 'ap-northeast-1',
      });
      const spec = JSON.parse(String((project['Source'] as { BuildSpec: string }).BuildSpec)) as {
        phases: { build: { commands: string[] } };
      };
      // printf turns each literal \n into a line break: an AWS config profile the SDK reads.
      expect(spec.phases.build.commands[1]).toBe(
        `printf '[profile canary]\\nrole_arn = %s\\ncredential_source = EcsContainer\\nrole_session_name = pipeline-canary\\nregion = %s\\n' "$CANARY_ROLE_ARN" "$CANARY_REGION" > "$AWS_CONFIG_FILE"`,
      );
      expect(variables.find((v) => v.Name === 'AWS_CONFIG_FILE')?.Value).toBe('/tmp/canary-aws-config');
    });

    it('gives the step a role of a fixed name, allowed to assume only that role', () => {
      template.hasResourceProperties('AWS::IAM::Role', {
        RoleName: 'batch-platform-canary-staging',
        AssumeRolePolicyDocument: Match.objectLike({
          Statement: [Match.objectLike({ Principal: { Service: 'codebuild.amazonaws.com' } })],
        }),
      });
      const assumes = Object.values(template.findResources('AWS::IAM::Policy'))
        .flatMap(
          (p) =>
            (p as { Properties: { PolicyDocument: { Statement: { Action: unknown; Resource: unknown }[] } } })
              .Properties.PolicyDocument.Statement,
        )
        .filter((s) => s.Action === 'sts:AssumeRole' && JSON.stringify(s.Resource).includes('batch-canary'));
      expect(assumes).toEqual([
        {
          Action: 'sts:AssumeRole',
          Effect: 'Allow',
          Resource: 'arn:aws:iam::222222222222:role/staging-batch-canary',
        },
      ]);
    });
  });

  it('uses cross-account KMS keys with rotation for artifacts', () => {
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('has no unacknowledged cdk-nag finding, in the pipeline or its stages', () => {
    expect(nagFindings).toEqual([]);
  });

  it('meets the Control Tower proactive controls, in the pipeline and its stages', () => {
    expect(guardFindings).toEqual([]);
  });

  it('logs every CodeBuild project to one encrypted log group kept a year', () => {
    const projects = Object.values(template.findResources('AWS::CodeBuild::Project')) as {
      Properties: { LogsConfig?: { CloudWatchLogs?: { Status: string; GroupName?: unknown } } };
    }[];
    expect(projects.length).toBeGreaterThan(0);
    for (const project of projects) {
      expect(project.Properties.LogsConfig?.CloudWatchLogs?.Status).toBe('ENABLED');
      expect(project.Properties.LogsConfig?.CloudWatchLogs?.GroupName).toEqual({
        Ref: expect.any(String) as string,
      });
    }
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      RetentionInDays: 365,
      KmsKeyId: Match.objectLike({ 'Fn::GetAtt': Match.anyValue() }),
    });
  });
});
