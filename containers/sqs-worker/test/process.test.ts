import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, it, type ExpectStatic, type TestContext } from 'vitest';
import { buildWorkerBundle } from './run-worker';
import {
  corruptBatchMember,
  longHandler,
  receiveNeverReturns,
  sigtermMidMessage,
  targetNeverAnswers,
  visibilityExtensionFails,
  type ScenarioResult,
} from './scenarios';

/**
 * The entry point bundled as the Dockerfile bundles it, run as a child process against the SQS
 * and webhook-target stand-ins: the real SDK, real timers and garbage collection, the signal
 * wiring and the exit code ECS sees, beyond what the mocked tests can show. Each scenario is a
 * failure a resident worker meets in production (scenarios.ts); they run concurrently, so the
 * file takes as long as the slowest (~20 s).
 */
const dir = mkdtempSync(path.join(tmpdir(), 'sqs-worker-'));
let bundle = '';

beforeAll(async () => {
  bundle = await buildWorkerBundle(path.join(dir, 'main.js'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a scenario; on failure prints its counts and the worker's stderr. */
async function run(
  { onTestFailed }: TestContext,
  scenario: (options: { bundle: string }) => Promise<ScenarioResult>,
): Promise<ScenarioResult> {
  const result = await scenario({ bundle });
  onTestFailed(() => {
    const { counts, extra, stderr } = result;
    console.error(`${result.name}\n${JSON.stringify({ counts, extra }, null, 2)}\n${stderr}`);
  });
  return result;
}

/** What holds in every scenario, whatever goes wrong: at-least-once without harm. */
function expectInvariants(expect: ExpectStatic, { counts }: ScenarioResult): void {
  expect.soft(counts.deletedWithoutCompletion, 'messages deleted without a completed delivery').toBe(0);
  expect
    .soft(counts.maxConcurrentCopies, 'copies of one event open at the target at once')
    .toBeLessThanOrEqual(1);
}

/** A time that never came (null: no second receive, no abort) as Infinity, so bounds on it read plainly. */
const never = (ms: number | null | undefined) => ms ?? Infinity;

/** `value` within [low, high], as two soft assertions that both name it. */
function expectBetween(
  expect: ExpectStatic,
  value: number,
  [low, high]: [number, number],
  label: string,
): void {
  expect.soft(value, label).toBeGreaterThanOrEqual(low);
  expect.soft(value, label).toBeLessThanOrEqual(high);
}

/** Time from SIGTERM to exit; Infinity when the worker had to be killed. */
const exitMs = (r: ScenarioResult) => never(r.counts.exitMsAfterSigterm);

describe.concurrent('main.js (bundled, in a child process)', () => {
  it('(a) aborts a call the target never answers at MAX_PROCESSING_SECONDS, even under GC, so the message is retried and dead-lettered', async (context) => {
    const { expect } = context;
    const r = await run(context, targetNeverAnswers);
    expect.soft(r.counts.delivered, 'requests at the target (one per receive)').toBe(2);
    expect.soft(r.extra['abortedBeforeSigterm'], 'requests the worker aborted').toBe(2);
    expect.soft(r.extra['shortestRequestMs'] ?? 0, 'shortest request (ms)').toBeGreaterThanOrEqual(1_500);
    expect
      .soft(never(r.extra['longestRequestMs']), 'longest request (ms): aborted at ~2 s')
      .toBeLessThanOrEqual(3_500);
    expect.soft(r.counts.deadLettered, 'messages dead-lettered').toBe(1);
    expect.soft(r.counts.deleted, 'messages deleted').toBe(0);
    expect.soft(exitMs(r), 'ms from SIGTERM to exit').toBeLessThanOrEqual(3_000);
    expect.soft(r.counts.exitCode, 'exit code').toBe(0);
    expectInvariants(expect, r);
  });

  it('(b) abandons a ReceiveMessage that never answers, says so, and polls again', async (context) => {
    const { expect } = context;
    const r = await run(context, receiveNeverReturns);
    expect
      .soft(r.extra['receiveStalledLogs'], 'log lines with "event":"receive-stalled"')
      .toBeGreaterThanOrEqual(1);
    // RECEIVE_WAIT_SECONDS (1) + 5 s: not sooner (a long poll may legitimately take its wait), not much later.
    expectBetween(
      expect,
      never(r.extra['secondReceiveAfterMs']),
      [5_500, 8_000],
      'ms from the hung receive to the next',
    );
    expect.soft(r.counts.delivered, 'requests at the target').toBe(10);
    expect.soft(r.counts.completed, 'requests answered 2xx').toBe(10);
    expect.soft(r.counts.deleted, 'messages deleted').toBe(10);
    expectInvariants(expect, r);
  });

  it('(c) never runs two copies of a message when extending its visibility fails', async (context) => {
    const { expect } = context;
    const r = await run(context, visibilityExtensionFails);
    // No heartbeat (D33): the deadline ends the handler before the message can reappear, so the
    // failing ChangeMessageVisibility is never called and cannot matter.
    expect.soft(r.extra['changeVisibilityCalls'], 'ChangeMessageVisibility calls').toBe(0);
    expect.soft(r.counts.maxConcurrentCopies, 'copies open at the target at once').toBe(1);
    // By MAX_PROCESSING_SECONDS (6) at the latest, before the message reappears at 8 s.
    expectBetween(
      expect,
      never(r.extra['firstRequestAbortedAfterMs']),
      [3_500, 7_000],
      'first request aborted after (ms)',
    );
    expect.soft(r.extra['staleHandleUses'], 'calls with a receipt handle the worker no longer held').toBe(0);
    expectInvariants(expect, r);
  });

  it('(d) processes the valid members of a batch in which one message fails its MD5 check', async (context) => {
    const { expect } = context;
    const r = await run(context, corruptBatchMember);
    expect.soft(r.counts.delivered, 'requests at the target').toBe(4);
    expect.soft(r.counts.completed, 'requests answered 2xx').toBe(4);
    expect.soft(r.counts.deleted, 'messages deleted').toBe(4);
    expect.soft(r.extra['corruptDelivered'], 'the corrupt message reached the target').toBe(0);
    expect.soft(r.extra['corruptDeleted'], 'the corrupt message was deleted').toBe(0);
    expect
      .soft(r.extra['corruptMessageLogs'], 'log lines with "event":"corrupt-message"')
      .toBeGreaterThanOrEqual(1);
    expectInvariants(expect, r);
  });

  it('(e) lets a handler run up to MAX_PROCESSING_SECONDS (20 s), not a fixed 15 s, and aborts it there', async (context) => {
    const { expect } = context;
    const r = await run(context, longHandler);
    expect.soft(r.extra['longDelivered'], 'the 16 s event: requests (no redelivery)').toBe(1);
    expect.soft(r.extra['longCompleted'], 'the 16 s event: completed').toBe(1);
    expect.soft(r.extra['longDeleted'], 'the 16 s event: deleted').toBe(1);
    expectBetween(
      expect,
      never(r.extra['overBudgetAbortedAfterMs']),
      [19_000, 21_500],
      'the 24 s event: aborted after (ms)',
    );
    expect.soft(r.counts.duplicateDeliveries, 'requests beyond the first per event').toBe(0);
    expectInvariants(expect, r);
  });

  it('(f) on SIGTERM stops polling, finishes the message in flight, deletes it once and exits 0', async (context) => {
    const { expect } = context;
    const r = await run(context, sigtermMidMessage);
    expect.soft(r.counts.exitCode, 'exit code').toBe(0);
    expect.soft(r.extra['receivesAfterSigterm'], 'ReceiveMessage calls after SIGTERM').toBe(0);
    // The target answers 1.7 s after SIGTERM: the worker waited for it.
    expect.soft(exitMs(r), 'ms from SIGTERM to exit').toBeGreaterThanOrEqual(1_500);
    expect.soft(r.counts.delivered, 'requests at the target').toBe(1);
    expect.soft(r.counts.completed, 'requests answered 2xx').toBe(1);
    expect.soft(r.counts.deleted, 'messages deleted').toBe(1);
    expect.soft(r.extra['lastLineIsStoppedCleanly'], 'last log line is "stopped cleanly"').toBe(1);
    expectInvariants(expect, r);
  });
});
