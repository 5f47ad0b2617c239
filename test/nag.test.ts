import { Stack, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { checkStage } from '../lib/stages/nag';
import { probeApp } from './support/cdk-context';
import { synthesized } from './support/synth';
import { readNagFindings } from './support/validation-report';

describe('cdk-nag AwsSolutions', () => {
  it.each(['sandbox', 'staging', 'production'] as const)('finds nothing unacknowledged in %s', (name) => {
    expect(synthesized(name).nagFindings).toEqual([]);
  });

  // Proves the check above can fail: the same wiring reports a resource that breaks a rule,
  // and an acknowledgement scoped to that resource and rule is what silences it.
  it('reports a finding, and an acknowledgement next to the resource clears it', () => {
    const findings = (acknowledge: boolean) => {
      const app = probeApp({ reportOnly: true });
      checkStage(app);
      const queue = new sqs.Queue(new Stack(app, 'Probe'), 'Plain', { enforceSSL: true });
      if (acknowledge) {
        Validations.of(queue).acknowledge({
          id: 'AwsSolutions-SQS3',
          reason: 'probe queue has no DLQ on purpose',
        });
      }
      return readNagFindings(app.synth().directory);
    };
    expect(findings(false)).toEqual(['AwsSolutions-SQS3 at Probe/Plain/Resource']);
    expect(findings(true)).toEqual([]);
  });

  it('fails synth outright when a finding is not acknowledged', () => {
    const app = probeApp();
    checkStage(app);
    new sqs.Queue(new Stack(app, 'Probe'), 'Plain', { enforceSSL: true });
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS3/);
  });
});
