import { joinUrl, requireUrlEnv } from '../env';
import { restOperation, runOperation } from '../operations';
import type { Task } from '../task';

/**
 * Starts a full product search index rebuild and waits for it. A newer run (concurrency
 * "replace") stops this one with SIGTERM; the search service keeps at most one rebuild.
 */
export const reindex: Task = {
  usage: 'reindex',
  async run(ctx) {
    const base = requireUrlEnv(ctx.env, 'SEARCH_ADMIN_URL', 'the search admin API base URL');
    const operation = await runOperation(
      ctx,
      restOperation(ctx, 'search admin API', joinUrl(base, 'reindex'), {}, { scope: 'products' }),
    );
    return `search index rebuild ${operation.id} succeeded`;
  },
};
