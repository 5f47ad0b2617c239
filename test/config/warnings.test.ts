import { describe, expect, it } from 'vitest';
import { configFiles, loadConfig } from '../../lib/config';
import { readTable } from '../../lib/config/access-grants';
import { configWarnings } from '../../lib/config/warnings';
import { jobInput } from '../support/fixtures';

const NOW = new Date('2026-11-24T00:00:00Z'); // a Tuesday
const ECR = 'arn:aws:ecr:ap-northeast-1:123456789012:repository/reports';
const worker = {
  name: 'order-relay',
  description: 'Relays orders',
  owner: 'commerce',
  command: ['node', 'main.js'],
  maxProcessingTime: '30s',
  visibilityTimeout: '2m',
};

const warningsOf = (schedules: object[], workers: object[] = [], access: object[] = []) =>
  configWarnings(
    loadConfig('sandbox', {
      ...configFiles,
      schedules: schedules.map((job) => ({ ...jobInput, ...job })),
      workers,
      access,
    }),
    NOW,
  );

describe('configWarnings', () => {
  it('has nothing to say about a plain daily job', () => {
    expect(warningsOf([{}])).toEqual([]);
  });

  it('says what day-of-week numbers mean to AWS, with the weekdays of the next runs', () => {
    expect(warningsOf([{ cron: '0 9 ? * 1-5 *' }])).toEqual([
      'config/schedules.ts: nightly-report.cron: day-of-week "1-5" is SUN-THU, because AWS counts 1 = SUN (next runs: Wed 25 Nov 09:00, Thu 26 Nov 09:00, Sun 29 Nov 09:00, Mon 30 Nov 09:00, Tue 1 Dec 09:00); write "SUN-THU" if that is meant, or "MON-FRI" for what crontab means by 1-5',
    ]);
    expect(warningsOf([{ cron: '0 9 ? * 7 *', timezone: 'UTC' }])).toEqual([
      'config/schedules.ts: nightly-report.cron: day-of-week "7" is SAT, because AWS counts 1 = SUN (next runs: Sat 28 Nov 09:00, Sat 5 Dec 09:00, Sat 12 Dec 09:00, Sat 19 Dec 09:00, Sat 26 Dec 09:00); write "SAT" if that is meant, or "SUN" for what crontab means by 7',
    ]);
    expect(warningsOf([{ cron: '0 9 ? * MON-FRI *' }])).toEqual([]);
  });

  it('warns of a run between 01:00 and 03:00 in a zone with daylight saving', () => {
    const dst =
      'cron: runs between 01:00 and 03:00 in Europe/London, which changes to and from daylight saving time then: on the change days the run is skipped or runs twice; move it outside 01:00-03:00, or set timezone to one without daylight saving (e.g. "UTC")';
    for (const cron of ['30 1 * * ? *', '0 2 * * ? *', '0 0,2 * * ? *', '0 0-1 * * ? *', '0 */2 * * ? *']) {
      expect(warningsOf([{ cron, timezone: 'Europe/London' }]), cron).toEqual([
        `config/schedules.ts: nightly-report.${dst}`,
      ]);
    }
    expect(warningsOf([{ cron: '0 2 * * ? *', timezone: 'America/New_York' }])).toHaveLength(1);
  });

  it('leaves out other hours, hourly jobs and zones without daylight saving', () => {
    for (const cron of [
      '0 0 * * ? *',
      '0 3 * * ? *',
      '59 23 * * ? *',
      '0 * * * ? *',
      '*/5 * * * ? *',
      '0 3-5 * * ? *',
    ]) {
      expect(warningsOf([{ cron, timezone: 'Europe/London' }]), cron).toEqual([]);
    }
    expect(warningsOf([{ cron: '0 2 * * ? *', timezone: 'Asia/Tokyo' }])).toEqual([]);
    expect(warningsOf([{ cron: '0 2 * * ? *', timezone: 'UTC' }])).toEqual([]);
  });

  it('warns of an image tagged latest, given or by default, for jobs and workers', () => {
    const latest = (kind: string) =>
      `image.tag: is "latest" (also what a missing tag means): each task pulls whatever was pushed last, so what the ${kind} runs changes without a pull request and cannot be rolled back; pin a release tag such as "v1.4.2"`;
    expect(
      warningsOf(
        [{ image: { ecrRepository: ECR } }, { name: 'pinned', image: { ecrRepository: ECR, tag: 'v1' } }],
        [
          { ...worker, image: { ecrRepository: ECR, tag: 'latest' } },
          { ...worker, name: 'built-here' },
        ],
      ),
    ).toEqual([
      `config/schedules.ts: nightly-report.${latest('job')}`,
      `config/workers.ts: order-relay.${latest('worker')}`,
    ]);
  });

  it('warns of a review date that is past, not of today or later', () => {
    const disabled = (disabledUntil: string) => ({ enabled: false, disabledReason: 'x', disabledUntil });
    expect(warningsOf([disabled('2026-11-23')])).toEqual([
      'config/schedules.ts: nightly-report.disabledUntil: paused until 2026-11-23, which has passed: review the job; remove enabled: false, disabledReason and disabledUntil to run it again, or set a later disabledUntil with the reason',
    ]);
    expect(warningsOf([disabled('2026-11-24')])).toEqual([]);
    expect(warningsOf([{ enabled: false, disabledReason: 'x' }])).toEqual([]);
  });

  it('says each problem of a job, in order', () => {
    expect(
      warningsOf([{ cron: '0 2 ? * 2 *', timezone: 'Europe/London', image: { ecrRepository: ECR } }]).map(
        (w) => w.split(':')[1],
      ),
    ).toEqual([' nightly-report.cron', ' nightly-report.cron', ' nightly-report.image.tag']);
  });

  it('warns of an access profile that no job or worker names', () => {
    const profile = (name: string) => ({
      name,
      description: 'Reads the ledger',
      owner: 'sre',
      grants: [readTable({ table: 'ledger' })],
    });
    const profiles = [profile('job-reader'), profile('worker-reader'), profile('left-over')];
    expect(
      warningsOf([{ access: 'job-reader' }], [{ ...worker, access: 'worker-reader' }], profiles),
    ).toEqual([
      "config/access.ts: left-over: no job or worker names it, yet it deploys a role and a policy; remove it, or name it with access: 'left-over'",
    ]);
  });
});
