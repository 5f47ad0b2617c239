import { describe, expect, it } from 'vitest';
import { emitMetrics, WORKER_METRICS } from './metrics';

describe('emitMetrics', () => {
  const target = (lines: string[]) => ({
    environment: 'staging',
    worker: 'ledger-exporter',
    write: (l: string) => lines.push(l),
  });

  it('writes one embedded-metric-format line per call, dimensioned by environment and worker', () => {
    const lines: string[] = [];
    emitMetrics(target(lines), { MessagesInFlight: 3, MessagesOverdue: 1 }, new Date(1_700_000_000_000));
    expect(lines).toHaveLength(1);
    expect(lines[0]!.endsWith('\n')).toBe(true);
    expect(JSON.parse(lines[0]!)).toEqual({
      _aws: {
        Timestamp: 1_700_000_000_000,
        CloudWatchMetrics: [
          {
            Namespace: WORKER_METRICS.namespace,
            Dimensions: [['Environment', 'Worker']],
            Metrics: [
              { Name: 'MessagesInFlight', Unit: 'Count' },
              { Name: 'MessagesOverdue', Unit: 'Count' },
            ],
          },
        ],
      },
      Environment: 'staging',
      Worker: 'ledger-exporter',
      MessagesInFlight: 3,
      MessagesOverdue: 1,
    });
  });

  it('writes nothing when there is nothing to report (CloudWatch rejects a directive without metrics)', () => {
    const lines: string[] = [];
    emitMetrics(target(lines), {});
    expect(lines).toEqual([]);
  });
});
