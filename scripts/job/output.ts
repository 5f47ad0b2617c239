/** Where the CLI writes: stdout for results, stderr for errors and hints. Tests capture both. */
export interface Output {
  line(text?: string): void;
  error(text: string): void;
}

export const consoleOutput: Output = {
  line: (text = '') => process.stdout.write(`${text}\n`),
  error: (text) => process.stderr.write(`${text}\n`),
};

export interface TableOptions {
  /** Columns (by index) aligned right, as figures read best. @default none */
  readonly alignRight?: readonly number[];
}

/**
 * Columns padded to their widest cell; the last column is left unpadded (it may be long)
 * unless it is aligned right.
 */
export function formatTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  options: TableOptions = {},
): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const right = new Set(options.alignRight);
  const render = (cells: readonly string[]) =>
    cells
      .map((cell, i) =>
        right.has(i)
          ? cell.padStart(widths[i] ?? 0)
          : i === cells.length - 1
            ? cell
            : cell.padEnd(widths[i] ?? 0),
      )
      .join('  ')
      .trimEnd();
  return [render(header), ...rows.map(render)];
}

/** "4m 12s", "1h 03m", "9s". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor(s / 60) % 60).padStart(2, '0')}m`;
}
