import { GetServiceQuotaCommand, type ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import type { PlatformConfig, ScheduledJobConfig } from '../../lib/config';
import { peakUsage, runsInDay, type Peak } from '../schedules/report';
import { formatInZone } from '../../lib/schedule/time-format';
import { awsErrorName, blocker, couldNotCheck, ok, warning, type Finding } from './findings';

/** Service Quotas codes of the per-region Fargate vCPU quotas (service code `fargate`). */
export const FARGATE_QUOTAS = {
  onDemand: { code: 'L-3032A538', name: 'Fargate On-Demand vCPU' },
  spot: { code: 'L-36FBB829', name: 'Fargate Spot vCPU' },
} as const;

/**
 * Days of schedule to scan for the peak: a month, so monthly and weekly jobs are counted
 * (`npm run schedules` looks at the next 24 h only, which suits a reviewer, not a quota).
 */
export const PEAK_DAYS = 31;

export interface VcpuNeed {
  readonly vcpu: number;
  /** How the number is made up, for the finding's text. */
  readonly detail: string;
}

export interface FargateNeeds {
  readonly onDemand: VcpuNeed;
  readonly spot: VcpuNeed;
  /** On-demand use if Spot has no capacity and every Spot job falls back (workers' Spot tasks do not). */
  readonly onDemandIfSpotFails: VcpuNeed;
}

/**
 * Every enabled job's runs over `days` days from `from`, from the same `runsInDay` as
 * `npm run schedules`. Computed once and filtered per capacity: expanding a month of a
 * 5-minute cron is most of the doctor's offline time.
 */
export function scheduledRuns(jobs: readonly ScheduledJobConfig[], from: Date, days = PEAK_DAYS) {
  return Array.from({ length: days }, (_, day) =>
    runsInDay(jobs, new Date(from.getTime() + day * 86_400_000)),
  ).flat();
}

/** The busiest moment of the schedule over `days` days, by the sweep `npm run schedules` uses. */
export function schedulePeak(jobs: readonly ScheduledJobConfig[], from: Date, days = PEAK_DAYS): Peak {
  return peakUsage(scheduledRuns(jobs, from, days));
}

/**
 * vCPU the account must allow at once. Jobs: their schedule's peak, Spot jobs against the
 * Spot quota, `capacity: 'on-demand'` jobs against on-demand. Workers: the first task of
 * each is on-demand (capacity provider base 1), the rest up to `scaling.max` are Spot.
 */
export function fargateNeeds(config: PlatformConfig, from: Date, days = PEAK_DAYS): FargateNeeds {
  const zone = config.environment.defaultTimezone;
  const runs = scheduledRuns(config.schedules, from, days);
  const jobPeak = (capacity: ScheduledJobConfig['capacity'] | 'all', label: string): VcpuNeed => {
    const peak = peakUsage(capacity === 'all' ? runs : runs.filter((r) => r.job.capacity === capacity));
    return peak.jobs.length === 0
      ? { vcpu: 0, detail: `no ${label} jobs` }
      : { vcpu: peak.vcpu, detail: `${label} jobs ${peak.vcpu} at ${formatInZone(peak.at, zone)}` };
  };
  const workerVcpu = (tasks: (w: PlatformConfig['workers'][number]) => number) =>
    config.workers.reduce((sum, w) => sum + (tasks(w) * w.cpu) / 1024, 0);
  const workersBase = workerVcpu(() => 1);
  const workersSpot = workerVcpu((w) => (w.scaling?.max ?? w.desiredCount) - 1);
  const sum = (job: VcpuNeed, workers: number, label: string): VcpuNeed => ({
    vcpu: job.vcpu + workers,
    detail: `${job.detail} + workers' ${label} ${workers}`,
  });

  return {
    onDemand: sum(jobPeak('on-demand', 'on-demand'), workersBase, 'first tasks'),
    spot: sum(jobPeak('spot', 'Spot'), workersSpot, 'other tasks at their maximum'),
    onDemandIfSpotFails: sum(jobPeak('all', 'all'), workersBase, 'first tasks'),
  };
}

export async function checkFargateQuotas(
  config: PlatformConfig,
  needs: FargateNeeds,
  client: ServiceQuotasClient,
): Promise<Finding[]> {
  const env = config.environment;
  const findings: Finding[] = [];
  const quota = async (q: (typeof FARGATE_QUOTAS)[keyof typeof FARGATE_QUOTAS]) => {
    try {
      const { Quota } = await client.send(
        new GetServiceQuotaCommand({ ServiceCode: 'fargate', QuotaCode: q.code }),
      );
      return Quota?.Value;
    } catch (error) {
      if (awsErrorName(error) === 'NoSuchResourceException') return undefined;
      findings.push(couldNotCheck(`the ${q.name} quota (${q.code})`, error, 'servicequotas:GetServiceQuota'));
      return null;
    }
  };
  const raise = (q: { code: string; name: string }, need: number) =>
    `request ${q.name} (fargate ${q.code}) of at least ${Math.ceil(need)} in Service Quotas for ${env.account} ${env.region}, or spread the jobs in config/schedules.ts`;

  for (const [key, need] of [
    ['onDemand', needs.onDemand],
    ['spot', needs.spot],
  ] as const) {
    const q = FARGATE_QUOTAS[key];
    const value = await quota(q);
    if (value === null) continue;
    if (value === undefined) {
      findings.push(warning(`${q.name} quota (${q.code}) not found in ${env.region}`, raise(q, need.vcpu)));
    } else if (need.vcpu > value) {
      findings.push(
        blocker(
          `${q.name} quota is ${value} but the peak needs ${need.vcpu} (${need.detail})`,
          raise(q, need.vcpu),
        ),
      );
    } else {
      findings.push(ok(`${q.name} quota ${value} covers the peak of ${need.vcpu} (${need.detail})`));
    }
    if (key !== 'onDemand' || value === undefined) continue;
    if (needs.onDemandIfSpotFails.vcpu > value && need.vcpu <= value) {
      findings.push(
        warning(
          `if Spot has no capacity, jobs fall back to on-demand and need ${needs.onDemandIfSpotFails.vcpu} vCPU (${needs.onDemandIfSpotFails.detail}), over the quota of ${value}`,
          raise(q, needs.onDemandIfSpotFails.vcpu),
        ),
      );
    }
    if (value !== env.fargateVcpuQuota) {
      // `npm run schedules` warns about peaks against this config value, not the account's.
      findings.push(
        warning(
          `config says fargateVcpuQuota ${env.fargateVcpuQuota} for ${env.name}, the account has ${value}`,
          `set fargateVcpuQuota: ${value} in config/environments.ts so schedule reviews use the real quota`,
        ),
      );
    }
  }
  return findings;
}
