export type Level = 'info' | 'warn' | 'error';
export type Fields = Readonly<Record<string, unknown>>;

export interface Logger {
  info(message: string, fields?: Fields): void;
  warn(message: string, fields?: Fields): void;
  error(message: string, fields?: Fields): void;
}

const RESERVED = new Set(['time', 'level', 'job', 'task', 'message']);

/**
 * One JSON object per line on stdout: the awslogs driver turns each line into one event, and
 * CloudWatch Logs Insights can filter on `job`, `task` and `level` without parsing text.
 */
export function createLogger(
  write: (line: string) => void,
  now: () => Date,
  base: { readonly job: string; readonly task: string },
): Logger {
  const emit = (level: Level, message: string, fields: Fields = {}) => {
    // A field can never overwrite the job, level or message a line belongs to.
    const extra = Object.entries(fields).filter(([key]) => !RESERVED.has(key));
    write(
      JSON.stringify({
        time: now().toISOString(),
        level,
        job: base.job,
        task: base.task,
        message,
        ...Object.fromEntries(extra),
      }),
    );
  };
  return {
    info: (message, fields) => emit('info', message, fields),
    warn: (message, fields) => emit('warn', message, fields),
    error: (message, fields) => emit('error', message, fields),
  };
}
