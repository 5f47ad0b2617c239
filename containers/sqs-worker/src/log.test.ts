import { describe, expect, it, vi } from 'vitest';
import { jsonLog } from './log';

describe('jsonLog', () => {
  it('writes one JSON line per event with time, level, message, its base fields and the event fields', () => {
    vi.useFakeTimers({ now: new Date('2026-11-24T09:00:00Z') });
    const lines: string[] = [];
    const log = jsonLog({ worker: 'payment-reconciler' }, (l) => lines.push(l));
    log.info('polling', { handler: 'webhook-relay' });
    log.warn('careful');
    log.error('failed', { id: 'm-1' });
    vi.useRealTimers();
    expect(lines.every((l) => l.endsWith('\n'))).toBe(true);
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([
      {
        time: '2026-11-24T09:00:00.000Z',
        level: 'info',
        message: 'polling',
        worker: 'payment-reconciler',
        handler: 'webhook-relay',
      },
      { time: '2026-11-24T09:00:00.000Z', level: 'warn', message: 'careful', worker: 'payment-reconciler' },
      {
        time: '2026-11-24T09:00:00.000Z',
        level: 'error',
        message: 'failed',
        worker: 'payment-reconciler',
        id: 'm-1',
      },
    ]);
  });

  it('writes to stdout by default', () => {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    jsonLog({}).info('hello');
    expect(write).toHaveBeenCalledWith(expect.stringContaining('"message":"hello"'));
  });
});
