import { z } from 'zod';
import { JobFailure } from './errors';
import { requestJson } from './http';
import type { TaskContext } from './task';

/** Long-running server-side work (an invoice run, an index rebuild) as internal APIs report it. */
export const operationSchema = z.looseObject({
  id: z.string().min(1),
  status: z.enum(['queued', 'running', 'succeeded', 'failed']),
  message: z.string().optional(),
});

export type Operation = z.output<typeof operationSchema>;

/** Status checks are cheap, but a 45-minute run polled every second would flood the API's logs. */
export const POLL_INTERVAL_MS = 30_000;

export interface OperationCalls {
  /** Human name for messages, e.g. "billing API". */
  readonly what: string;
  readonly start: () => Promise<Operation>;
  readonly status: (id: string) => Promise<Operation>;
}

/**
 * Starts an operation and polls it until it ends. The wait is bounded by the job's timeout
 * (Step Functions stops the task) and by the stop signal, which every sleep honours.
 */
export async function runOperation(ctx: TaskContext, calls: OperationCalls): Promise<Operation> {
  let operation = await calls.start();
  ctx.log.info(`${calls.what}: operation ${operation.id} ${operation.status}`, { operation: operation.id });
  let last = operation.status;
  while (operation.status === 'queued' || operation.status === 'running') {
    await ctx.sleep(POLL_INTERVAL_MS, ctx.signal);
    operation = await calls.status(operation.id);
    if (operation.status !== last) {
      ctx.log.info(`${calls.what}: operation ${operation.id} ${operation.status}`, {
        operation: operation.id,
      });
      last = operation.status;
    }
  }
  if (operation.status === 'failed') {
    throw new JobFailure(
      `${calls.what}: operation ${operation.id} failed: ${operation.message ?? 'the API gave no reason'}`,
    );
  }
  return operation;
}

/** The usual shape: POST <collection> starts, GET <collection>/<id> reports. */
export function restOperation(
  ctx: TaskContext,
  what: string,
  collection: URL,
  headers: Readonly<Record<string, string>>,
  body: unknown,
): OperationCalls {
  return {
    what,
    start: () => requestJson(ctx, what, collection, operationSchema, { method: 'POST', headers, body }),
    status: (id) => {
      const url = new URL(collection.href);
      url.pathname = `${url.pathname.replace(/\/+$/, '')}/${encodeURIComponent(id)}`;
      return requestJson(ctx, what, url, operationSchema, { headers });
    },
  };
}
