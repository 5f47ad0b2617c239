/** One JSON line per event on stdout, which awslogs ships to CloudWatch Logs. */
export interface Log {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export function jsonLog(
  base: Record<string, unknown>,
  write: (line: string) => void = (l) => process.stdout.write(l),
): Log {
  const emit =
    (level: string) =>
    (message: string, fields: Record<string, unknown> = {}) =>
      write(`${JSON.stringify({ time: new Date().toISOString(), level, message, ...base, ...fields })}\n`);
  return { info: emit('info'), warn: emit('warn'), error: emit('error') };
}
