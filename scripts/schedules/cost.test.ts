import { describe, expect, it } from 'vitest';
import type { RegionPrices } from '../../lib/schedule/prices';
import { scheduledJob } from '../../test/support/fixtures';
import { costSection, formatUsd, formatUsdChange, jobMonthlyCost, runsPerMonth } from './cost';

const source = { url: 'https://example.com/prices', checked: '2026-11-24' };
/** Round prices, so every expectation below is arithmetic a reader can redo by hand. */
const PRICES: RegionPrices = {
  fargateVcpuHour: { ...source, usd: 0.04 },
  fargateGbHour: { ...source, usd: 0.004 },
  spotVcpuHour: { ...source, usd: 0.012 },
  spotGbHour: { ...source, usd: 0.0012 },
  stepFunctionsTransition: { ...source, usd: 0.000025 },
  lambdaRequest: { ...source, usd: 0.0000002 },
};
const NO_SPOT: RegionPrices = {
  ...PRICES,
  spotVcpuHour: { ...source, usd: undefined },
  spotGbHour: { ...source, usd: undefined },
};

describe('runsPerMonth: a calendar month’s average over the year', () => {
  it.each([
    ['*/5 * * * ? *', (288 * 365) / 12], // 8,760
    ['0 3 * * ? *', 365 / 12],
    ['30 0 1 * ? *', 1],
    ['0 5 ? * SUN *', 52 / 12], // 2026 has 52 Sundays (it starts on a Thursday)
    ['0 9 ? * MON-FRI *', 261 / 12], // 2026: 261 weekdays
    ['0 9,18 ? * MON-FRI *', (2 * 261) / 12],
    ['0 3 1 1 ? 2025', 0], // a past year never runs
  ])('%s runs %d times a month', (cron, expected) => {
    expect(runsPerMonth({ cron, timezone: 'Asia/Tokyo' }, 2026)).toBeCloseTo(expected, 9);
  });
});

describe('jobMonthlyCost', () => {
  it('prices a monthly on-demand job: 1 run of 30 min at 1 vCPU / 2 GB', () => {
    const cost = jobMonthlyCost(
      scheduledJob({
        cron: '0 3 1 * ? *',
        cpu: 1024,
        memory: 2048,
        timeoutSeconds: 3600,
        expectedDurationSeconds: 1800,
        capacity: 'on-demand',
      }),
      PRICES,
      2026,
    );
    // 0.5 vCPU-h x 0.04 = 0.02; 1 GB-h x 0.004 = 0.004; 9 x 0.000025; 2 x 0.0000002
    expect(cost).toMatchObject({ runsPerMonth: 1, billedSeconds: 1800, vcpuHours: 0.5, gbHours: 1 });
    expect(cost.fargateUsd).toBeCloseTo(0.024, 12);
    expect(cost.stepFunctionsUsd).toBeCloseTo(0.000225, 12);
    expect(cost.lambdaUsd).toBeCloseTo(0.0000004, 12);
    expect(cost.totalUsd).toBeCloseTo(0.0242254, 12);
  });

  it('bills a 40 s Spot run every 5 minutes as a minute each, and Step Functions costs more than Fargate', () => {
    const cost = jobMonthlyCost(
      scheduledJob({ cron: '*/5 * * * ? *', timeoutSeconds: 240, expectedDurationSeconds: 40 }),
      PRICES,
      2026,
    );
    // 8,760 runs x 60 s x 0.25 vCPU = 36.5 vCPU-h x 0.012; x 0.5 GB = 73 GB-h x 0.0012
    expect(cost.runsPerMonth).toBeCloseTo(8760, 9);
    expect(cost.billedSeconds).toBe(60);
    expect(cost.vcpuHours).toBeCloseTo(36.5, 9);
    expect(cost.gbHours).toBeCloseTo(73, 9);
    expect(cost.fargateUsd).toBeCloseTo(0.438 + 0.0876, 9);
    expect(cost.transitions).toBeCloseTo(78_840, 6);
    expect(cost.stepFunctionsUsd).toBeCloseTo(1.971, 9);
    expect(cost.lambdaUsd).toBeCloseTo(0.003504, 9);
    expect(cost.totalUsd).toBeCloseTo(2.500104, 9);
    expect(cost.spotAtOnDemand).toBe(false);
  });

  it('prices the timeout when there is no expectedDuration, Spot at on-demand when no Spot price is known, and a disabled job at 0', () => {
    const job = scheduledJob({ cron: '0 3 1 * ? *', cpu: 1024, memory: 2048, timeoutSeconds: 3600 });
    const cost = jobMonthlyCost(job, NO_SPOT, 2026);
    // 1 run x 1 h x (1 vCPU x 0.04 + 2 GB x 0.004)
    expect(cost).toMatchObject({ billedSeconds: 3600, timeoutPriced: true, spotAtOnDemand: true });
    expect(cost.fargateUsd).toBeCloseTo(0.048, 12);
    const off = jobMonthlyCost({ ...job, enabled: false, disabledReason: 'x' }, PRICES, 2026);
    expect(off).toMatchObject({ runsPerMonth: 0, totalUsd: 0 });
  });
});

describe('formatting', () => {
  it('writes dollars to the cent, and a fraction of a cent as such, with a sign for changes', () => {
    expect([3.1, 0.004, 0.00098, 0.00023, 0.0000004, 0, 12.345].map(formatUsd)).toEqual([
      '$3.10',
      '$0.004',
      '$0.001',
      '$0.0002',
      '<$0.0001',
      '$0',
      '$12.35',
    ]);
    expect(formatUsdChange(3.1)).toBe('+$3.10/month');
    expect(formatUsdChange(-0.4)).toBe('-$0.40/month');
  });

  it('shows a table with the total, the assumptions, and no cost for a region without prices', () => {
    const jobs = [
      scheduledJob({ name: 'monthly', cron: '0 3 1 * ? *', cpu: 1024, memory: 2048, timeoutSeconds: 3600 }),
      scheduledJob({ name: 'off', enabled: false, disabledReason: 'x' }),
      scheduledJob({ name: 'paused', enabled: false, disabledReason: 'x', disabledUntil: '2027-01-31' }),
    ];
    const lines = costSection(jobs, 'ap-northeast-1', 2026, NO_SPOT);
    expect(lines[0]).toBe('Monthly cost in ap-northeast-1 (USD):');
    expect(lines.find((l) => l.startsWith('monthly'))).toMatch(
      /^monthly +1 +3600s \(timeout\) +1\.00 +2\.00 +\$0\.05 spot<= +\$0\.0002 +<\$0\.0001 +\$0\.05$/,
    );
    expect(lines.find((l) => l.startsWith('off'))).toMatch(/^off +disabled( +-){6} +\$0$/);
    expect(lines.find((l) => l.startsWith('paused'))).toMatch(/^paused +paused( +-){6} +\$0$/);
    expect(lines.find((l) => l.startsWith('total'))).toMatch(/^total +\$0\.05$/);
    expect(lines.join('\n')).toContain('spot<=: no Fargate Spot price for ap-northeast-1 is recorded');
    // Notes are about the jobs that run: a disabled job with no expectedDuration adds none.
    const onlyOff = costSection(jobs.slice(1), 'ap-northeast-1', 2026, NO_SPOT).join('\n');
    expect(onlyOff).not.toContain('(timeout)');
    expect(onlyOff).not.toContain('spot<=');
    expect(costSection(jobs, 'eu-west-3', 2026)).toEqual([
      'monthly cost: no prices for eu-west-3 in lib/schedule/prices.ts; add them (with their source) to see it',
    ]);
  });
});
