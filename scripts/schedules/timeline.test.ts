import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config';
import { hourMarks, timelineBlocks, timelineHtml, vcpuProfile } from './timeline';
import { FIXTURE_CONFIG } from '../../test/fixtures/config';

const FROM = new Date('2026-11-22T00:00:00Z'); // 09:00 JST
const { schedules, environment } = loadConfig('sandbox', FIXTURE_CONFIG);

describe('timeline', () => {
  it('places each run at its minute from the start, as long as its expected duration', () => {
    const report = timelineBlocks(schedules, FROM).filter((b) => b.job === 'nightly-sales-report');
    // 03:00 JST on the 23rd is 18 h after 09:00 JST on the 22nd; expectedDuration 20m
    expect(report).toEqual([{ job: 'nightly-sales-report', left: 18 * 60, width: 20, timeoutOnly: false }]);
    expect(timelineBlocks(schedules, FROM).filter((b) => b.job === 'partner-inventory-sync')).toHaveLength(
      288,
    );
  });

  it('draws a job without expectedDuration for its whole timeout, marked, and clips at the day’s end', () => {
    const [job] = schedules.filter((j) => j.name === 'nightly-sales-report');
    const noEstimate = {
      ...job!,
      name: 'late',
      cron: '0 8 * * ? *',
      expectedDurationSeconds: undefined,
      timeoutSeconds: 7200,
    };
    expect(timelineBlocks([noEstimate], FROM)).toEqual([
      { job: 'late', left: 23 * 60, width: 60, timeoutOnly: true },
    ]);
  });

  it('renders a lane per job, disabled and paused ones marked with their reason, in percent of the axis, and no external assets', () => {
    const html = timelineHtml(schedules, environment, FROM);
    const enabled = schedules.filter((j) => j.enabled);
    expect(html.match(/class="axis"/g)).toHaveLength(enabled.length);
    expect(html.match(/class="axis off"/g)).toHaveLength(schedules.length - enabled.length);
    expect(html).toMatch(/class="label off">legacy-ftp-import<.*paused until 2027-01-31: Partner moved/);
    expect(html).toContain('<span>09:00</span>');
    expect(html).toContain('<span>03:00</span>');
    expect(html).toContain('style="left:75%;width:1.3889%"'); // 18 h and 20 min of 24 h
    expect(html).toContain('<span>Mon 23 Nov</span>'); // the day changes at midnight JST
    expect(html).toContain('no run in this window; next Tue 1 Dec 00:30 JST'); // monthly-invoice-run
    expect(html).not.toMatch(/(src|href)="http/);
  });

  it('--days 7 draws the coming week, Monday to Sunday, where weekly jobs run and each day is named', () => {
    const html = timelineHtml(schedules, environment, FROM, { days: 7 });
    expect(html).toContain('From Mon 23 Nov 00:00 JST to Mon 30 Nov 00:00 JST');
    for (const day of ['Mon 23 Nov', 'Tue 24 Nov', 'Sat 28 Nov', 'Sun 29 Nov'])
      expect(html).toContain(`<span>${day}</span>`);
    // weekly-backup-verify: Sunday 05:00 is 6 days and 5 hours into the week of 10,080 minutes
    expect(html).toContain(`style="left:${+((((6 * 24 + 5) * 60) / 10_080) * 100).toFixed(4)}%`);
    expect(
      timelineBlocks(schedules, new Date('2026-11-22T15:00:00Z'), 7).filter(
        (b) => b.job === 'weekday-standup-digest',
      ),
    ).toHaveLength(5);
  });

  it('draws the vCPU in use as steps with the quota line, and says the peak', () => {
    const big = (name: string, cron: string) => ({
      ...schedules[0]!,
      name,
      cron,
      cpu: 4096,
      memory: 8192,
      expectedDurationSeconds: 3600,
    });
    const jobs = [big('x', '0 10 * * ? *'), big('y', '30 10 * * ? *')];
    // 10:00 JST is 60 min after FROM: 4 vCPU, 8 from 10:30, 4 from 11:00, none from 11:30
    expect(vcpuProfile(jobs, FROM)).toEqual([
      { at: 0, vcpu: 0 },
      { at: 60, vcpu: 4 },
      { at: 90, vcpu: 8 },
      { at: 120, vcpu: 4 },
      { at: 150, vcpu: 0 },
    ]);
    // A run still going when the window opens counts from its start (08:30 JST -> 09:30).
    expect(vcpuProfile([big('early', '30 8 * * ? *')], FROM).slice(0, 2)).toEqual([
      { at: 0, vcpu: 4 },
      { at: 30, vcpu: 0 },
    ]);
    const html = timelineHtml(jobs, environment, FROM);
    expect(html).toContain('peak 8, quota 6');
    expect(html).toContain('quota 6 vCPU');
    expect(html).toMatch(/<line x1="0" x2="1440" y1="[\d.]+" y2="[\d.]+" class="quota"\/>/);
  });

  it('puts hour lines on the zone’s whole hours even when --from is not on one', () => {
    const marks = hourMarks(new Date('2026-11-22T00:20:30Z'), 'Asia/Tokyo');
    expect(marks[0]).toEqual({ left: 39.5, label: '10:00' }); // 09:20:30 JST -> 10:00 JST
    expect(marks).toHaveLength(24);
    expect(hourMarks(FROM, 'Asia/Kolkata')[0]).toEqual({ left: 30, label: '06:00' }); // 05:30 IST
    expect(hourMarks(FROM, 'Asia/Tokyo').map((m) => m.left)).toEqual(
      Array.from({ length: 25 }, (_, h) => h * 60),
    );
  });
});
