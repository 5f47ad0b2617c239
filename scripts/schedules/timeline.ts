import type { EnvironmentConfig, ScheduledJobConfig } from '../../lib/config';
import { formatInZone } from '../../lib/schedule/time-format';
import { runsInDay } from './report';

const DAY_MS = 86_400_000;
const LANE_PX = 26;
const LABEL_PX = 220;
const WIDTH_PX = 1440; // one pixel per minute

export interface Block {
  readonly job: string;
  /** Offset from the left of the time axis, in minutes from `from`. */
  readonly left: number;
  /** Length in minutes, clipped to the day. */
  readonly width: number;
  /** True when the job has no expectedDuration and its timeout is drawn instead. */
  readonly timeoutOnly: boolean;
}

/** Where each run sits on a 24-hour axis from `from` (1 unit = 1 minute). */
export function timelineBlocks(jobs: readonly ScheduledJobConfig[], from: Date): Block[] {
  return runsInDay(jobs, from).map((run) => {
    const left = (run.start - from.getTime()) / 60_000;
    return {
      job: run.job.name,
      left,
      width: Math.max(1, Math.min(run.end - run.start, DAY_MS - (run.start - from.getTime())) / 60_000),
      timeoutOnly: run.job.expectedDurationSeconds === undefined,
    };
  });
}

/**
 * Grid lines on the whole hours of the environment's zone within the day, in minutes from
 * `from`: a `--from` of 09:20, or a zone offset by half an hour, still gets lines at hh:00.
 */
export function hourMarks(from: Date, timeZone: string): { left: number; label: string }[] {
  // Zone offsets are whole minutes, so the seconds past the minute are the same in every zone.
  const minute = Number(formatInZone(from, timeZone).slice(14, 16));
  const msPastHour = minute * 60_000 + (from.getTime() % 60_000);
  const first = from.getTime() + ((3_600_000 - msPastHour) % 3_600_000);
  const marks: { left: number; label: string }[] = [];
  for (let t = first; t <= from.getTime() + DAY_MS; t += 3_600_000) {
    marks.push({
      left: (t - from.getTime()) / 60_000,
      label: formatInZone(new Date(t), timeZone).slice(11, 16),
    });
  }
  return marks;
}

const escape = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** A self-contained page: one lane per enabled job, hour grid in the environment's zone. */
export function timelineHtml(
  jobs: readonly ScheduledJobConfig[],
  environment: EnvironmentConfig,
  from: Date,
): string {
  const enabled = jobs.filter((j) => j.enabled);
  const blocks = timelineBlocks(enabled, from);
  const lanes = enabled
    .map((job, i) => {
      const runs = blocks
        .filter((b) => b.job === job.name)
        .map(
          (b) =>
            `<div class="run${b.timeoutOnly ? ' timeout' : ''}" style="left:${b.left}px;width:${b.width}px" title="${escape(`${job.name} ${formatInZone(new Date(from.getTime() + b.left * 60_000), job.timezone)}`)}"></div>`,
        )
        .join('');
      return `<div class="lane" style="top:${i * LANE_PX}px"><div class="label">${escape(job.name)}</div><div class="axis">${runs}</div></div>`;
    })
    .join('\n');
  const hours = hourMarks(from, environment.defaultTimezone)
    .map(
      ({ left, label }) =>
        `<div class="hour" style="left:${LABEL_PX + left}px"><span>${escape(label)}</span></div>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>batch-platform ${escape(environment.name)}: 24 h of jobs</title>
<style>
  body { font: 13px/1.3 system-ui, sans-serif; margin: 16px; color: #1f2328; }
  .chart { position: relative; width: ${LABEL_PX + WIDTH_PX}px; height: ${enabled.length * LANE_PX + 30}px; margin-top: 24px; }
  .hour { position: absolute; top: -20px; bottom: 0; border-left: 1px solid #d0d7de; }
  .hour span { position: absolute; top: 0; left: 3px; color: #57606a; font-size: 11px; }
  .lane { position: absolute; left: 0; height: ${LANE_PX - 4}px; width: 100%; }
  .label { position: absolute; width: ${LABEL_PX - 10}px; overflow: hidden; white-space: nowrap; text-overflow: ellipsis; top: 4px; }
  .axis { position: absolute; left: ${LABEL_PX}px; width: ${WIDTH_PX}px; height: 100%; background: #f6f8fa; }
  .run { position: absolute; top: 3px; bottom: 3px; background: #2da44e; border-radius: 2px; min-width: 2px; }
  .run.timeout, .legend .timeout { background: repeating-linear-gradient(45deg, #bf8700, #bf8700 4px, #d4a72c 4px, #d4a72c 8px); }
  .legend span { display: inline-block; width: 14px; height: 10px; margin: 0 4px 0 12px; vertical-align: middle; }
</style></head>
<body>
<h1>${escape(environment.name)}: the next 24 hours of scheduled jobs</h1>
<p>From ${escape(formatInZone(from, environment.defaultTimezone))}. One lane per enabled job; each block is one run.
<span class="legend"><span style="background:#2da44e"></span>expected duration<span class="timeout"></span>no expectedDuration: the timeout is drawn</span></p>
<div class="chart">
${hours}
${lanes}
</div>
</body></html>
`;
}
