import { z } from 'zod';
import { typeError } from './config-error';

/** `90s`, `30m`, `2h`: durations as operators write them, parsed to seconds. */
export const durationSchema = z
  .string({
    error: (issue) =>
      typeof issue.input === 'number'
        ? `must be a duration with its unit, e.g. "${issue.input}s" or "${issue.input}m"`
        : typeError('a string', 'a duration such as "90s", "30m" or "2h"')(issue),
  })
  .regex(/^[1-9]\d*(s|m|h)$/, {
    error: (iss) =>
      `"${String(iss.input)}" is not a duration: write a positive whole number with s, m or h, e.g. "30m"`,
  })
  .transform((value) => {
    const n = Number(value.slice(0, -1));
    const unit = value.slice(-1);
    return unit === 'h' ? n * 3600 : unit === 'm' ? n * 60 : n;
  });

export function formatDuration(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}
