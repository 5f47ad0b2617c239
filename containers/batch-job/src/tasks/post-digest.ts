import { z } from 'zod';
import { requireUrlEnv } from '../env';
import { requestJson } from '../http';
import { postToSlack } from '../slack';
import type { Task } from '../task';

const HOUR_MS = 3_600_000;

const digestSchema = z.object({
  incidents: z.array(
    z.object({
      id: z.string().min(1),
      title: z.string().min(1),
      severity: z.string().min(1),
      openedAt: z.iso.datetime({ offset: true }),
    }),
  ),
  deploys: z.array(
    z.object({
      service: z.string().min(1),
      version: z.string().min(1),
      deployedAt: z.iso.datetime({ offset: true }),
    }),
  ),
});

export type Digest = z.output<typeof digestSchema>;

/** Open incidents and the last day's deploys, before stand-up. */
export const postDigest: Task = {
  usage: 'post-digest',
  async run(ctx) {
    const source = requireUrlEnv(ctx.env, 'DIGEST_API_URL', 'the URL of the incident and deploy digest API');
    const webhook = requireUrlEnv(ctx.env, 'SLACK_WEBHOOK_URL', 'the Slack incoming-webhook URL (a secret)');
    const now = ctx.now();
    const since = new Date(now.getTime() - 24 * HOUR_MS);
    const url = new URL(source.href);
    url.searchParams.set('since', since.toISOString());
    const digest = await requestJson(ctx, 'digest API', url, digestSchema);
    // Filtered here too: the post promises "last 24 h" whatever the API's idea of `since`.
    const deploys = digest.deploys.filter((d) => Date.parse(d.deployedAt) >= since.getTime());
    await postToSlack(ctx, webhook, formatDigest({ incidents: digest.incidents, deploys }, now));
    return `posted the digest: ${digest.incidents.length} open incidents, ${deploys.length} deploys`;
  },
};

export function formatDigest(digest: Digest, now: Date): string {
  const lines = ['*Stand-up digest*'];
  if (digest.incidents.length === 0) {
    lines.push('No open incidents.');
  } else {
    lines.push(`Open incidents (${digest.incidents.length}):`);
    const bySeverity = [...digest.incidents].sort((a, b) => a.severity.localeCompare(b.severity));
    for (const i of bySeverity) {
      const hours = Math.max(0, Math.floor((now.getTime() - Date.parse(i.openedAt)) / HOUR_MS));
      lines.push(`• ${i.severity} ${i.id} ${i.title} (open ${hours} h)`);
    }
  }
  lines.push(
    digest.deploys.length === 0
      ? 'No deploys in the last 24 h.'
      : `Deploys in the last 24 h (${digest.deploys.length}): ${digest.deploys.map((d) => `${d.service} ${d.version}`).join(', ')}`,
  );
  return lines.join('\n');
}
