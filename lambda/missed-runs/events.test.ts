import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { beforeEach, describe, expect, it } from 'vitest';
import { mockAws } from '../../test/support/aws-mock';
import { putAlerts, type JobMissedDetail } from './events';

const eventsMock = mockAws(EventBridgeClient);
const events = new EventBridgeClient({});
const deps = { events, eventBusName: 'sandbox-batch-jobs' };
const alert = (slot: string): JobMissedDetail => ({
  cause: 'unclaimed',
  environment: 'sandbox',
  job: 'nightly-report',
  slot,
  reason: 'no run claimed the slot',
});

beforeEach(() => {
  eventsMock.reset();
});

describe('putAlerts', () => {
  it('sends nothing for no alerts, and ten alerts in one call', async () => {
    eventsMock.on(PutEventsCommand).callsFake((input: { Entries?: unknown[] }) => ({
      FailedEntryCount: 0,
      Entries: (input.Entries ?? []).map(() => ({ EventId: 'id' })),
    }));
    expect(await putAlerts([], deps)).toEqual([]);
    expect(eventsMock.commandCalls(PutEventsCommand)).toHaveLength(0);
    const ten = Array.from({ length: 10 }, (_, i) => alert(`2026-11-22T18:0${i}:00Z`));
    expect(await putAlerts(ten, deps)).toEqual(Array.from({ length: 10 }, () => true));
    expect(eventsMock.commandCalls(PutEventsCommand)).toHaveLength(1);
  });

  it('counts an entry as taken only when EventBridge answered it without an error', async () => {
    eventsMock
      .on(PutEventsCommand)
      .resolves({ FailedEntryCount: 1, Entries: [{ EventId: 'id' }, { ErrorCode: 'InternalFailure' }] });
    expect(await putAlerts([alert('a'), alert('b'), alert('c')], deps)).toEqual([true, false, false]);
  });
});
