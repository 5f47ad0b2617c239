import { z } from 'zod';
import { joinUrl, requireUrlEnv } from '../env';
import { requestJson } from '../http';
import type { Task } from '../task';

const resultSchema = z.object({ deleted: z.int().min(0) });

/** Deletes sessions that expired before now; idempotent, so overlapping runs are harmless. */
export const sessionCleanup: Task = {
  usage: 'session-cleanup',
  async run(ctx) {
    const base = requireUrlEnv(ctx.env, 'SESSION_API_URL', 'the session service base URL');
    const url = joinUrl(base, 'sessions');
    url.searchParams.set('expiredBefore', ctx.now().toISOString());
    const { deleted } = await requestJson(ctx, 'session API', url, resultSchema, { method: 'DELETE' });
    ctx.log.info('expired sessions deleted', { deleted });
    return `deleted ${deleted} expired sessions`;
  },
};
