import type { ScenarioCounts, ScenarioResult } from '../../containers/sqs-worker/test/scenarios';

const COLUMNS: readonly (keyof ScenarioCounts)[] = [
  'delivered',
  'completed',
  'deleted',
  'deadLettered',
  'maxConcurrentCopies',
  'duplicateDeliveries',
  'deletedWithoutCompletion',
  'exitMsAfterSigterm',
  'exitCode',
];

/** One row per scenario; `-` for null (exitMsAfterSigterm: killed after the grace). */
export function formatTable(results: readonly ScenarioResult[]): string {
  const header = ['scenario', ...COLUMNS, 'extra'];
  const rows = results.map((r) => [
    r.name,
    ...COLUMNS.map((c) => cell(r.counts[c])),
    Object.entries(r.extra)
      .map(([k, v]) => `${k}=${cell(v)}`)
      .join(' '),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  return [header, ...rows]
    .map((row) =>
      row
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

const cell = (value: number | null) => (value === null ? '-' : String(value));
