import * as path from 'node:path';
import { App, Stack, Stage } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { CONTROL_TOWER_CONTEXT, controlTowerRulesFor, exemptGuardRule } from '../lib/stages/guard';
import { checkStage } from '../lib/stages/nag';
import { cdkJsonContext, probeApp } from './support/cdk-context';
import { synthesized } from './support/synth';
import { readGuardFindings } from './support/validation-report';

const UNENCRYPTED = 'CT.CLOUDWATCH.PR.3 cloudwatch_log_group_encrypted_check';

/** A log group kept a year (CT.CLOUDWATCH.PR.2 passes) but with no KMS key. */
const plainLogGroup = (stack: Stack) =>
  new logs.LogGroup(stack, 'Logs', { retention: logs.RetentionDays.ONE_YEAR });

describe('AWS Control Tower proactive controls (cfn-guard)', () => {
  it.each(['sandbox', 'staging', 'production'] as const)('finds nothing unexempted in %s', (name) => {
    expect(synthesized(name).guardFindings).toEqual([]);
  });

  // Proves the checks above can fail: the same wiring reports a resource that breaks a
  // control, and an exemption next to that resource is what clears it.
  it('reports a finding, and an exemption next to the resource clears it', () => {
    const findings = (exempt: boolean) => {
      const app = probeApp({ reportOnly: true });
      checkStage(app);
      const logGroup = plainLogGroup(new Stack(app, 'Probe'));
      if (exempt) exemptGuardRule(logGroup, 'cloudwatch_log_group_encrypted_check', 'probe log group');
      return readGuardFindings(app.synth().directory);
    };
    expect(findings(false)).toEqual([`${UNENCRYPTED} at Probe/Logs/Resource`]);
    expect(findings(true)).toEqual([]);
  });

  it('reports a stack of a nested stage once, though the app and the stage both check', () => {
    const app = probeApp({ reportOnly: true });
    checkStage(app);
    const stage = new Stage(app, 'staging');
    checkStage(stage);
    plainLogGroup(new Stack(stage, 'Probe'));
    plainLogGroup(new Stack(app, 'Top'));
    expect(readGuardFindings(app.synth().directory)).toEqual([
      `${UNENCRYPTED} at Top/Logs/Resource`,
      `${UNENCRYPTED} at staging/Probe/Logs/Resource`,
    ]);
  });

  // Templates needing different rules are checked in parallel lanes (one per core); every
  // lane's findings must reach the report, each exactly once.
  it('reports the findings of every group of templates, checked in parallel', () => {
    const app = probeApp({ reportOnly: true });
    checkStage(app);
    plainLogGroup(new Stack(app, 'Logs'));
    new sqs.Queue(new Stack(app, 'Queue'), 'Plain', { enforceSSL: true });
    const both = new Stack(app, 'Both');
    plainLogGroup(both);
    new sqs.Queue(both, 'Plain', { enforceSSL: true });
    expect(readGuardFindings(app.synth().directory)).toEqual([
      `${UNENCRYPTED} at Both/Logs/Resource`,
      `${UNENCRYPTED} at Logs/Logs/Resource`,
      'CT.SQS.PR.1 sqs_dlq_check at Both/Plain/Resource',
      'CT.SQS.PR.1 sqs_dlq_check at Queue/Plain/Resource',
      'CT.SQS.PR.2 sqs_queue_encrypted_check at Both/Plain/Resource',
      'CT.SQS.PR.2 sqs_queue_encrypted_check at Queue/Plain/Resource',
    ]);
  });

  it('runs exactly the Control Tower rules that evaluate the resource types present', () => {
    const names = (types: string[]) => controlTowerRulesFor(new Set(types)).map((f) => path.basename(f));
    expect(names(['AWS::Logs::LogGroup']).sort()).toEqual(
      expect.arrayContaining(['ct-cloudwatch-pr-2.guard', 'ct-cloudwatch-pr-3.guard']),
    );
    expect(names(['AWS::Logs::LogGroup']).some((n) => n.startsWith('ct-s3-'))).toBe(false);
    expect(names([])).toEqual([]);
  });

  // A plain `cdk synth` leaves the checks out (D31); the tests and the pipeline ask for them.
  it('runs only when the app asks for it with -c batch-platform:controlTower=true', () => {
    const findings = (context: Record<string, unknown>) => {
      const app = new App({
        builtinCloudFormationValidation: false,
        context: { ...cdkJsonContext(), ...context },
      });
      checkStage(app);
      plainLogGroup(new Stack(app, 'Probe'));
      return readGuardFindings(app.synth().directory);
    };
    expect(findings({})).toEqual([]);
    expect(() => findings({ [CONTROL_TOWER_CONTEXT]: 'true' })).toThrow(/CT\.CLOUDWATCH\.PR\.3/);
  });

  it('fails synth outright when a finding is not exempted', () => {
    const app = probeApp();
    checkStage(app);
    plainLogGroup(new Stack(app, 'Probe'));
    expect(() => app.synth()).toThrow(/CT\.CLOUDWATCH\.PR\.3/);
  });
});
