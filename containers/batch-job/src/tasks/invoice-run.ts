import { parseArgs } from 'node:util';
import { z } from 'zod';
import { jobTimeZone, localDate, previousMonth } from '../dates';
import { joinUrl, requireEnv, requireUrlEnv } from '../env';
import { describeError, UsageError } from '../errors';
import { restOperation, runOperation } from '../operations';
import type { Task } from '../task';

const issuedSchema = z.object({ invoicesIssued: z.int().min(0).optional() });

/** Asks billing to issue a month's invoices and waits until it has. */
export const invoiceRun: Task = {
  usage: 'invoice-run --previous-month | --period YYYY-MM',
  async run(ctx) {
    const base = requireUrlEnv(ctx.env, 'BILLING_API_URL', 'the billing API base URL');
    const token = requireEnv(ctx.env, 'BILLING_API_TOKEN', 'the billing API bearer token (a secret)');
    const period = periodOf(ctx.args, () => previousMonth(localDate(ctx.now(), jobTimeZone(ctx.env))));
    const headers = {
      authorization: `Bearer ${token}`,
      // The job has retries: 1. The same key makes a retried POST return the first run
      // instead of issuing every invoice twice.
      'idempotency-key': `invoice-run-${period}`,
    };
    const operation = await runOperation(
      ctx,
      restOperation(ctx, 'billing API', joinUrl(base, 'invoice-runs'), headers, { period }),
    );
    const issued = issuedSchema.safeParse(operation).data?.invoicesIssued;
    return `invoice run ${operation.id} for ${period} succeeded${issued === undefined ? '' : `: ${issued} invoices issued`}`;
  },
};

function periodOf(args: readonly string[], previous: () => string): string {
  let values: { 'previous-month'?: boolean | undefined; period?: string | undefined };
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: { 'previous-month': { type: 'boolean' }, period: { type: 'string' } },
      strict: true,
    }));
  } catch (error) {
    throw new UsageError(`invoice-run: ${describeError(error)}`);
  }
  if (values['previous-month'] && values.period === undefined) return previous();
  if (
    !values['previous-month'] &&
    values.period !== undefined &&
    /^\d{4}-(0[1-9]|1[0-2])$/.test(values.period)
  ) {
    return values.period;
  }
  throw new UsageError('invoice-run needs exactly one of --previous-month or --period YYYY-MM');
}
