import type { CatalogJob, NotifierCatalog } from '../../lib/schedule/notifier-catalog';
import {
  alarmMessage,
  fallbackMessage,
  missedMessage,
  notStartedMessage,
  recoveryMessage,
  runMessage,
  type MessageContext,
  type SlackMessage,
} from './message';
import type { Notice } from './notice';
import type { SlackClient } from './slack';
import { decide, threadAfter, type NoticeKind, type Thread } from './storm';

export interface NotifyDeps {
  readonly catalog: NotifierCatalog;
  readonly slack: Pick<SlackClient, 'post' | 'update'>;
  readonly threads: {
    get(job: string, kind: NoticeKind): Promise<Thread | undefined>;
    put(job: string, thread: Thread): Promise<void>;
    close(job: string, kind: NoticeKind): Promise<void>;
  };
}

/** What the notifier did with a notice, for its log. */
export type Outcome = 'posted' | 'updated' | 'recovered' | 'ignored';

/**
 * Turns one notice into at most one Slack call. Job notices go to the job's channel through
 * storm control (one thread per incident); alarms and rejected starts to the environment's.
 */
export async function notify(notice: Notice, deps: NotifyDeps): Promise<Outcome> {
  const { catalog } = deps;
  const environment = { name: catalog.environment.name, region: catalog.environment.region };
  switch (notice.type) {
    case 'alarm':
      await deps.slack.post(
        catalog.environment.channel,
        alarmMessage(notice.alarm, { ...environment, timezone: catalog.environment.timezone }),
      );
      return 'posted';
    case 'not-started':
      await deps.slack.post(catalog.environment.channel, notStartedMessage(notice.detail, environment));
      return 'posted';
    case 'fallback':
      return incident(notice.detail.job, 'fallback', notice.at, deps, (context) =>
        fallbackMessage(notice.detail, context),
      );
    case 'missed': {
      const { job, slot, reason } = notice.detail;
      const detail = { job: job ?? 'a job', slot: slot ?? 'an unknown slot', ...(reason ? { reason } : {}) };
      // A dead letter nobody could read names no job: the environment's channel, no thread.
      if (!job || !slot) {
        await deps.slack.post(
          catalog.environment.channel,
          missedMessage(detail, { environment, job: environmentFacts(catalog), count: 1 }),
        );
        return 'posted';
      }
      return incident(job, 'missed', notice.at, deps, (context) => missedMessage(detail, context));
    }
    case 'run': {
      const { run } = notice;
      if (notice.detailType === 'JobSucceeded')
        return recover(run.job, notice.at, deps, (context) => recoveryMessage(run, context));
      if (notice.detailType === 'JobSkipped') {
        // The rule lets through only jobs that opted in; a catalog from another deploy may disagree.
        if (!facts(run.job, catalog).notifySkipped) return 'ignored';
        return incident(run.job, 'skipped', notice.at, deps, (context) => runMessage(run, context));
      }
      return incident(run.job, 'failure', notice.at, deps, (context) => runMessage(run, context));
    }
  }
}

/** A job the catalog does not know (deleted since, or renamed) still gets its message, in the environment's channel. */
function facts(job: string, catalog: NotifierCatalog): CatalogJob {
  return catalog.jobs[job] ?? environmentFacts(catalog);
}

/** What the message of no particular job goes by: the environment's channel and zone. */
function environmentFacts(catalog: NotifierCatalog): CatalogJob {
  return {
    channel: catalog.environment.channel,
    timezone: catalog.environment.timezone,
    retries: 0,
    timeoutSeconds: 0,
    notifySkipped: false,
  };
}

async function incident(
  job: string,
  kind: NoticeKind,
  at: Date,
  deps: NotifyDeps,
  message: (context: MessageContext) => SlackMessage,
): Promise<Outcome> {
  const jobFacts = facts(job, deps.catalog);
  const environment = { name: deps.catalog.environment.name, region: deps.catalog.environment.region };
  const open = await deps.threads.get(job, kind);
  const decision = decide({ kind, at }, open);
  if (decision.action === 'update') {
    const context = { environment, job: jobFacts, count: decision.count, since: decision.thread.firstAt };
    await deps.slack.update(decision.thread, message(context));
    await deps.threads.put(job, threadAfter(decision, { kind, at }));
    return 'updated';
  }
  if (decision.action !== 'post') return 'ignored';
  const posted = await deps.slack.post(jobFacts.channel, message({ environment, job: jobFacts, count: 1 }));
  // A webhook cannot be updated: the thread is still kept, so repeats stay quiet until it closes.
  await deps.threads.put(
    job,
    threadAfter(decision, { kind, at }, posted ?? { channel: jobFacts.channel, ts: '' }),
  );
  return 'posted';
}

async function recover(
  job: string,
  at: Date,
  deps: NotifyDeps,
  message: (context: MessageContext) => SlackMessage,
): Promise<Outcome> {
  const open = await deps.threads.get(job, 'failure');
  const decision = decide({ kind: 'success', at }, open);
  if (decision.action !== 'recover') return 'ignored';
  const { thread } = decision;
  const jobFacts = facts(job, deps.catalog);
  const environment = { name: deps.catalog.environment.name, region: deps.catalog.environment.region };
  await deps.slack.post(
    thread.channel,
    message({ environment, job: jobFacts, count: thread.count, since: thread.firstAt }),
    thread.ts || undefined,
  );
  await deps.threads.close(job, 'failure');
  return 'recovered';
}
