import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config';
import { hourMarks, timelineBlocks, timelineHtml } from './timeline';
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

  it('renders one lane per enabled job, hour labels in the environment’s zone, and no external assets', () => {
    const html = timelineHtml(schedules, environment, FROM);
    const enabled = schedules.filter((j) => j.enabled);
    expect(html.match(/class="lane"/g)).toHaveLength(enabled.length);
    expect(html).not.toContain('legacy-ftp-import'); // disabled
    expect(html).toContain('<span>09:00</span>');
    expect(html).toContain('<span>03:00</span>');
    expect(html).toContain('style="left:1080px;width:20px"');
    expect(html).not.toMatch(/(src|href)="http/);
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
