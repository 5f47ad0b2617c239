import { describeError, JobFailure, UsageError } from '../errors';
import { TimeoutError, withTimeout } from '../http';
import type { Task, TaskContext } from '../task';

/** The promise the job's description makes: each endpoint answers 2xx within 5 s. */
export const ENDPOINT_TIMEOUT_MS = 5_000;

interface Check {
  readonly url: string;
  readonly ok: boolean;
  readonly status?: number;
  readonly ms?: number;
  readonly problem?: string;
}

export const checkEndpoints: Task = {
  usage: 'check-endpoints <url...>',
  async run(ctx) {
    if (ctx.args.length === 0) throw new UsageError('check-endpoints needs at least one URL to check');
    const urls = ctx.args.map(parseUrl);
    // In parallel: the whole check then takes at most one timeout, however many endpoints.
    const checks = await Promise.all(urls.map((url) => check(ctx, url)));
    for (const c of checks) {
      const fields = { url: c.url, status: c.status, ms: c.ms };
      if (c.ok) ctx.log.info(`${c.url} answered ${c.status} in ${c.ms} ms`, fields);
      else ctx.log.error(`${c.url}: ${c.problem}`, fields);
    }
    const failed = checks.filter((c) => !c.ok);
    if (failed.length > 0) {
      throw new JobFailure(
        `${failed.length} of ${checks.length} endpoints failed: ${failed.map((c) => `${c.url} (${c.problem})`).join(', ')}`,
      );
    }
    return `all ${checks.length} endpoints answered 2xx within ${ENDPOINT_TIMEOUT_MS / 1000} s`;
  },
};

function parseUrl(arg: string): URL {
  try {
    const url = new URL(arg);
    if (url.protocol === 'https:' || url.protocol === 'http:') return url;
  } catch {
    // reported below
  }
  throw new UsageError(`check-endpoints: "${arg}" is not an http(s) URL`);
}

async function check(ctx: TaskContext, url: URL): Promise<Check> {
  const started = ctx.now().getTime();
  try {
    const status = await withTimeout(ctx.signal, ENDPOINT_TIMEOUT_MS, async (signal) => {
      const response = await ctx.fetch(url, { method: 'GET', redirect: 'follow', signal });
      // Only the status matters; release the connection instead of downloading the page.
      await response.body?.cancel();
      return response.status;
    });
    const ms = ctx.now().getTime() - started;
    return status >= 200 && status <= 299
      ? { url: url.href, ok: true, status, ms }
      : { url: url.href, ok: false, status, ms, problem: `HTTP ${status}` };
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    const problem =
      error instanceof TimeoutError
        ? `no response within ${ENDPOINT_TIMEOUT_MS / 1000} s`
        : `request failed: ${describeError(error)}`;
    return { url: url.href, ok: false, problem };
  }
}
