import { GetServiceQuotaCommand, ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { mockAws } from '../../test/support/aws-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { formatFinding } from './findings';
import { checkFargateQuotas, fargateNeeds, FARGATE_QUOTAS, schedulePeak } from './quotas';
import { awsError, fixtureConfig, testClients } from './test-support';

const quotas = mockAws(ServiceQuotasClient);
const from = new Date('2026-11-22T00:00:00Z');

// A month of a 5-minute cron takes a second or two to expand: once for the file.
const needs = fargateNeeds(fixtureConfig(), from);

beforeEach(() => quotas.reset());

function quotaValues(onDemand: number, spot: number) {
  quotas
    .on(GetServiceQuotaCommand, { ServiceCode: 'fargate', QuotaCode: FARGATE_QUOTAS.onDemand.code })
    .resolves({ Quota: { Value: onDemand } })
    .on(GetServiceQuotaCommand, { ServiceCode: 'fargate', QuotaCode: FARGATE_QUOTAS.spot.code })
    .resolves({ Quota: { Value: spot } });
}

async function lines(config = fixtureConfig()): Promise<string[]> {
  return (await checkFargateQuotas(config, needs, testClients().quotas)).map(formatFinding);
}

describe('Fargate vCPU needs', () => {
  it('counts a monthly job, which a 24-hour window would miss', () => {
    const jobs = fixtureConfig().schedules.filter((j) => j.name === 'invoice-run');
    expect(schedulePeak(jobs, from, 1).vcpu).toBe(0);
    expect(schedulePeak(jobs, from).vcpu).toBe(2);
  });

  it('puts on-demand jobs and each worker’s first task on-demand, Spot jobs and other worker tasks on Spot', () => {
    // invoice-run 2 vCPU; workers' first tasks 0.25 (order-relay) + 0.5 (reconciler).
    expect(needs.onDemand.vcpu).toBe(2.75);
    // sales-report 1 + partner-sync 0.25 overlap at 03:00; order-relay's 4 more tasks at 0.25.
    expect(needs.spot.vcpu).toBe(2.25);
    expect(needs.spot.detail).toMatch(
      /^Spot jobs 1.25 at 2026-11-2\d 03:00 JST \+ workers' other tasks at their maximum 1$/,
    );
    // Everything on-demand when Spot has no capacity: on the 1st at 03:00 invoice-run 2,
    // sales-report 1 and partner-sync 0.25 overlap, plus the workers' first tasks.
    expect(needs.onDemandIfSpotFails.vcpu).toBe(4);
  });
});

describe('Fargate quota check', () => {
  it('passes when both quotas cover the peaks', async () => {
    quotaValues(6, 6);
    expect(await lines()).toEqual([
      expect.stringMatching(
        /^✓ Fargate On-Demand vCPU quota 6 covers the peak of 2.75 \(on-demand jobs 2 at .* \+ workers' first tasks 0.75\)$/,
      ),
      expect.stringMatching(/^✓ Fargate Spot vCPU quota 6 covers the peak of 2.25 /),
    ]);
  });

  it('blocks when a quota is below the peak, with the quota code to raise', async () => {
    quotaValues(6, 2);
    const out = await lines();
    expect(out[1]).toMatch(
      /^blocker: Fargate Spot vCPU quota is 2 but the peak needs 2.25 .*; fix: request Fargate Spot vCPU \(fargate L-36FBB829\) of at least 3 in Service Quotas for 222222222222 ap-northeast-1/,
    );
  });

  it('warns when the on-demand fallback of Spot jobs would exceed the on-demand quota', async () => {
    quotaValues(3, 6);
    const out = await lines(fixtureConfig({ fargateVcpuQuota: 3 }));
    expect(out[0]).toMatch(/^✓ Fargate On-Demand vCPU quota 3 covers the peak of 2.75/);
    expect(out[1]).toMatch(
      /^warning: if Spot has no capacity, jobs fall back to on-demand and need 4 vCPU \(all jobs 3.25 at 2026-12-01 03:00 JST/,
    );
    expect(out).toHaveLength(3);
  });

  it('warns when config’s fargateVcpuQuota (used by schedule review) differs from the account', async () => {
    quotaValues(20, 20);
    expect(await lines()).toContain(
      'warning: config says fargateVcpuQuota 6 for staging, the account has 20; fix: set fargateVcpuQuota: 20 in config/environments.ts so schedule reviews use the real quota',
    );
  });

  it('warns when the quotas cannot be read', async () => {
    quotas.on(GetServiceQuotaCommand).rejects(awsError('AccessDeniedException'));
    expect(await lines()).toEqual([
      'warning: could not check the Fargate On-Demand vCPU quota (L-3032A538) (AccessDeniedException); fix: run the doctor with a role allowed servicequotas:GetServiceQuota',
      'warning: could not check the Fargate Spot vCPU quota (L-36FBB829) (AccessDeniedException); fix: run the doctor with a role allowed servicequotas:GetServiceQuota',
    ]);
  });
});
