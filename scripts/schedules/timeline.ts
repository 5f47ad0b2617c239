import type { EnvironmentConfig, ScheduledJobConfig } from '../../lib/config';
import { formatInZone } from '../../lib/schedule/time-format';
import { formatWeekdayZoned, jobState, runsInDays, upcomingRuns, weekStart } from './report';

const DAY_MS = 86_400_000;
const DAY_MINUTES = 1440;

export interface Block {
  readonly job: string;
  /** Offset from the left of the time axis, in minutes from `from`. */
  readonly left: number;
  /** Length in minutes, clipped to the window. */
  readonly width: number;
  /** True when the job has no expectedDuration and its timeout is drawn instead. */
  readonly timeoutOnly: boolean;
}

export interface TimelineOptions {
  /**
   * 1: the 24 hours from `from`; 7: the week (Monday 00:00 in the environment's zone) that
   * holds `from`, so weekly jobs appear and two reports of the same week look the same.
   * @default 1
   */
  readonly days?: 1 | 7;
}

/** Where each run sits on an axis of `days` days from `from` (1 unit = 1 minute). */
export function timelineBlocks(jobs: readonly ScheduledJobConfig[], from: Date, days = 1): Block[] {
  const window = days * DAY_MS;
  return runsInDays(jobs, from, days).map((run) => {
    const left = (run.start - from.getTime()) / 60_000;
    return {
      job: run.job.name,
      left,
      width: Math.max(1, Math.min(run.end - run.start, window - (run.start - from.getTime())) / 60_000),
      timeoutOnly: run.job.expectedDurationSeconds === undefined,
    };
  });
}

/**
 * Grid lines on the whole hours of the environment's zone within the window, in minutes from
 * `from`: a `--from` of 09:20, or a zone offset by half an hour, still gets lines at hh:00.
 */
export function hourMarks(from: Date, timeZone: string, days = 1): { left: number; label: string }[] {
  // Zone offsets are whole minutes, so the seconds past the minute are the same in every zone.
  const minute = Number(formatInZone(from, timeZone).slice(14, 16));
  const msPastHour = minute * 60_000 + (from.getTime() % 60_000);
  const first = from.getTime() + ((3_600_000 - msPastHour) % 3_600_000);
  const marks: { left: number; label: string }[] = [];
  for (let t = first; t <= from.getTime() + days * DAY_MS; t += 3_600_000) {
    marks.push({
      left: (t - from.getTime()) / 60_000,
      label: formatInZone(new Date(t), timeZone).slice(11, 16),
    });
  }
  return marks;
}

/** Where the date changes in the environment's zone, with the new day's name: `Mon 23 Nov`. */
export function dayMarks(from: Date, timeZone: string, days = 1): { left: number; label: string }[] {
  return hourMarks(from, timeZone, days)
    .filter((m) => m.label === '00:00')
    .map((m) => ({
      left: m.left,
      label: formatWeekdayZoned(new Date(from.getTime() + m.left * 60_000), timeZone)
        .split(' ')
        .slice(0, 3)
        .join(' '),
    }));
}

/** The vCPU held at each change over the window, as steps: [minute, vCPU] from 0 to the end. */
export function vcpuProfile(
  jobs: readonly ScheduledJobConfig[],
  from: Date,
  days = 1,
): { at: number; vcpu: number }[] {
  const end = days * DAY_MINUTES;
  const changes = new Map<number, number>();
  // From a day earlier (a run lasts at most its timeout, at most 24 h), so runs still going
  // when the window opens count from its start instead of a false dip to zero there.
  for (const run of runsInDays(jobs, new Date(from.getTime() - DAY_MS), days + 1)) {
    const start = Math.max(0, (run.start - from.getTime()) / 60_000);
    const stop = Math.min(end, (run.end - from.getTime()) / 60_000);
    if (stop <= 0 || start >= end) continue;
    const vcpu = run.job.cpu / 1024;
    changes.set(start, (changes.get(start) ?? 0) + vcpu);
    changes.set(stop, (changes.get(stop) ?? 0) - vcpu);
  }
  const steps = [{ at: 0, vcpu: 0 }];
  let level = 0;
  for (const [at, delta] of [...changes].sort((a, b) => a[0] - b[0])) {
    level = Math.round((level + delta) * 1000) / 1000;
    if (at === steps[steps.length - 1]!.at) steps[steps.length - 1] = { at, vcpu: level };
    else steps.push({ at, vcpu: level });
  }
  return steps;
}

/** True when `b` starts before `a` (the same job's previous run) ends: a run still going. */
const overlaps = (a: Block | undefined, b: Block) => a !== undefined && b.left < a.left + a.width;

/** Stands for the grid lines in each lane until they are known. */
const LINES = '\u0000lines\u0000';
const escape = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
const pct = (minutes: number, total: number) => `${+((minutes / total) * 100).toFixed(4)}%`;

/** The SVG strip: concurrent vCPU as a step area, and the account's quota as a dashed line. */
function vcpuStrip(steps: readonly { at: number; vcpu: number }[], total: number, quota: number): string {
  const top = Math.max(quota, ...steps.map((s) => s.vcpu)) * 1.15;
  const y = (v: number) => +(100 - (v / top) * 100).toFixed(3);
  let path = `M0 100`;
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i]!;
    path += ` L${s.at} ${y(i === 0 ? 0 : steps[i - 1]!.vcpu)} L${s.at} ${y(s.vcpu)}`;
  }
  path += ` L${total} ${y(steps[steps.length - 1]!.vcpu)} L${total} 100 Z`;
  const peak = Math.max(...steps.map((s) => s.vcpu));
  // The same area again in red, clipped to what lies above the quota line.
  return `<svg class="profile" viewBox="0 0 ${total} 100" preserveAspectRatio="none" role="img" aria-label="vCPU in use, peak ${peak}, quota ${quota}">
<defs><clipPath id="over-quota"><rect x="0" y="0" width="${total}" height="${y(quota)}"/></clipPath></defs>
<path d="${path}" class="area"/>
<path d="${path}" class="area over" clip-path="url(#over-quota)"/>
<line x1="0" x2="${total}" y1="${y(quota)}" y2="${y(quota)}" class="quota"/>
</svg><div class="quota-label" style="bottom:${(100 - y(quota)).toFixed(1)}%">quota ${quota} vCPU</div>`;
}

/**
 * A self-contained page: a vCPU strip with the quota line, then one lane per job (disabled
 * and paused jobs too, marked as such), with hour and day lines in the environment's zone.
 * Positions are percentages of the time axis and the label column is as wide as the longest
 * name, so nothing is clipped at any window width; below a useful width the page scrolls.
 */
export function timelineHtml(
  jobs: readonly ScheduledJobConfig[],
  environment: EnvironmentConfig,
  from: Date,
  options: TimelineOptions = {},
): string {
  const days = options.days ?? 1;
  const zone = environment.defaultTimezone;
  const start = days === 7 ? weekStart(from, zone) : from;
  const total = days * DAY_MINUTES;
  const enabled = jobs.filter((j) => j.enabled);
  const blocks = timelineBlocks(enabled, start, days);
  const lanes = jobs
    .map((job) => {
      const state = jobState(job);
      if (state !== 'enabled') {
        const why = `${state}${job.disabledUntil ? ` until ${job.disabledUntil}` : ''}: ${job.disabledReason ?? ''}`;
        return `<div class="label off">${escape(job.name)}</div><div class="axis off" title="${escape(why)}"><div class="lines">${LINES}</div><span class="note">${escape(why)}</span></div>`;
      }
      const own = blocks.filter((b) => b.job === job.name);
      const runs = own
        .map(
          (b, i) =>
            `<div class="run${b.timeoutOnly ? ' timeout' : ''}${overlaps(own[i - 1], b) ? ' overlap' : ''}" style="left:${pct(b.left, total)};width:${pct(b.width, total)}" title="${escape(`${job.name} ${formatWeekdayZoned(new Date(start.getTime() + b.left * 60_000), job.timezone)}`)}"></div>`,
        )
        .join('');
      const [next] = own.length === 0 ? upcomingRuns(job, new Date(start.getTime() + total * 60_000), 1) : [];
      const note = next
        ? `<span class="note">no run in this window; next ${escape(formatWeekdayZoned(next, job.timezone))}</span>`
        : '';
      return `<div class="label">${escape(job.name)}</div><div class="axis"><div class="lines">${LINES}</div>${runs}${note}</div>`;
    })
    .join('\n');
  const step = days === 7 ? 6 : 1; // hour labels every 6 h on a week, every hour on a day
  // The line at the window's end has no label: it would stick out past the axis.
  const hours = hourMarks(start, zone, days).filter(
    (m) => m.left < total && Number(m.label.slice(0, 2)) % step === 0,
  );
  const midnights = dayMarks(start, zone, days).filter((m) => m.left < total);
  const line = (left: number, cls: string, label = '') =>
    `<div class="${cls}" style="left:${pct(left, total)}">${label && `<span>${escape(label)}</span>`}</div>`;
  const lines = [
    ...hours.filter((m) => m.label !== '00:00').map((m) => line(m.left, 'hour')),
    ...midnights.map((m) => line(m.left, 'hour day')),
  ].join('');
  // The header names the day the window starts in, then each new day at its midnight line.
  const firstDay = formatWeekdayZoned(start, zone).split(' ').slice(0, 3).join(' ');
  const header = [
    ...hours.map((m) => line(m.left, m.label === '00:00' ? 'hour day' : 'hour', m.label)),
    ...(midnights[0]?.left === 0 ? [] : [line(0, 'dayname', firstDay)]),
    ...midnights.map((m) => line(m.left, 'dayname', m.label)),
  ].join('');
  const profile = vcpuProfile(enabled, start, days);
  const peakVcpu = Math.max(...profile.map((p) => p.vcpu));
  const withLines = lanes.replaceAll(LINES, lines);
  const title = days === 7 ? 'the week of scheduled jobs' : 'the next 24 hours of scheduled jobs';
  const off = jobs.length - enabled.length;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>batch-platform ${escape(environment.name)}: ${title}</title>
<style>
  body { font: 13px/1.3 system-ui, sans-serif; margin: 16px; color: #1f2328; }
  h1 { font-size: 20px; margin: 0 0 4px; }
  p { margin: 4px 0; }
  .chart { display: grid; grid-template-columns: max-content minmax(${days === 7 ? 1100 : 960}px, 1fr); column-gap: 10px; row-gap: 4px; margin-top: 8px; }
  .label { white-space: nowrap; align-self: center; }
  .label.off { color: #8c959f; text-decoration: line-through; }
  .axis { position: relative; height: 22px; background: #f6f8fa; }
  .axis.off { background: repeating-linear-gradient(135deg, #f6f8fa, #f6f8fa 6px, #eaeef2 6px, #eaeef2 12px); }
  /* A long reason ends in an ellipsis inside its lane; the lane's title has all of it. */
  .note { position: absolute; left: 6px; top: 3px; max-width: calc(100% - 12px); overflow: hidden; text-overflow: ellipsis; color: #57606a; font-size: 12px; white-space: nowrap; }
  .grid { position: relative; height: 34px; }
  .grid .hour { top: 16px; }
  .grid .hour span { top: 2px; }
  .dayname { position: absolute; top: 0; }
  .dayname span { position: absolute; top: 0; left: 3px; font-weight: 600; white-space: nowrap; }
  .lines { position: absolute; inset: 0; pointer-events: none; }
  .hour { position: absolute; top: 0; bottom: 0; border-left: 1px solid #d0d7de; }
  .hour.day { border-left: 2px solid #57606a; }
  .hour span { position: absolute; top: 2px; left: 3px; color: #57606a; font-size: 11px; white-space: nowrap; }
  .axis .hour span { display: none; }
  .axis .hour { border-left-color: #e1e6ea; }
  .axis .hour.day { border-left: 2px solid #8c959f; }
  .run { position: absolute; top: 3px; bottom: 3px; background: #2da44e; border-radius: 2px; min-width: 2px; }
  /* A run that starts inside the previous one gets a white left edge, so both stay countable. */
  .run.overlap { box-shadow: inset 1px 0 #fff; }
  .run.timeout, .legend .timeout { background: repeating-linear-gradient(45deg, #bf8700, #bf8700 4px, #d4a72c 4px, #d4a72c 8px); }
  .legend span { display: inline-block; width: 14px; height: 10px; margin: 0 4px 0 12px; vertical-align: middle; }
  .legend .offkey { background: repeating-linear-gradient(135deg, #f6f8fa, #f6f8fa 3px, #d0d7de 3px, #d0d7de 6px); }
  .strip { position: relative; height: 64px; background: #fff; border: 1px solid #d0d7de; }
  .profile { position: absolute; inset: 0; width: 100%; height: 100%; }
  .area { fill: #54aeff; stroke: #0969da; stroke-width: 1; vector-effect: non-scaling-stroke; }
  .area.over { fill: #ff8182; stroke: none; }
  .quota { stroke: #cf222e; stroke-width: 1.5; stroke-dasharray: 6 4; vector-effect: non-scaling-stroke; }
  .quota-label { position: absolute; right: 4px; transform: translateY(-1px); color: #cf222e; font-size: 11px; background: #fffc; padding: 0 2px; }
  .peak { color: #57606a; }
</style></head>
<body>
<h1>${escape(environment.name)}: ${title}</h1>
<p>From ${escape(formatWeekdayZoned(start, zone))} to ${escape(formatWeekdayZoned(new Date(start.getTime() + days * DAY_MS), zone))} (${escape(zone)}). ${jobs.length} jobs, ${off} disabled or paused; each block is one run.
<span class="legend"><span style="background:#2da44e"></span>expected duration<span class="timeout"></span>no expectedDuration: the timeout is drawn<span class="offkey"></span>disabled or paused</span></p>
<div class="chart">
<div class="label"></div><div class="grid">${header}</div>
<div class="label">vCPU in use<br><span class="peak">peak ${peakVcpu}, quota ${environment.fargateVcpuQuota}</span></div><div class="strip"><div class="lines">${lines}</div>${vcpuStrip(profile, total, environment.fargateVcpuQuota)}</div>
${withLines}
</div>
</body></html>
`;
}
