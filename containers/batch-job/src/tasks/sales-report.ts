import { z } from 'zod';
import { addDays, formatDate, jobTimeZone, localDate } from '../dates';
import { requireUrlEnv } from '../env';
import { JobFailure } from '../errors';
import { requestJson } from '../http';
import { postToSlack } from '../slack';
import type { Task } from '../task';

const reportSchema = z.object({
  date: z.iso.date(),
  currency: z.string().length(3),
  orders: z.int().min(0),
  revenue: z.number().min(0),
  topProducts: z.array(
    z.object({ name: z.string().min(1), units: z.int().min(0), revenue: z.number().min(0) }),
  ),
});

export type SalesReport = z.output<typeof reportSchema>;

/** Yesterday's sales (in the job's time zone), summarised in the sales channel. */
export const salesReport: Task = {
  usage: 'sales-report',
  async run(ctx) {
    const source = requireUrlEnv(ctx.env, 'REPORT_API_URL', 'the URL of the sales report API');
    const webhook = requireUrlEnv(ctx.env, 'SLACK_WEBHOOK_URL', 'the Slack incoming-webhook URL (a secret)');
    const day = formatDate(addDays(localDate(ctx.now(), jobTimeZone(ctx.env)), -1));
    const url = new URL(source.href);
    url.searchParams.set('date', day);
    const report = await requestJson(ctx, 'sales report API', url, reportSchema);
    // A cache or a misrouted request could hand back another day; posting it as yesterday would mislead.
    if (report.date !== day) {
      throw new JobFailure(`sales report API returned the report for ${report.date}, not ${day}`);
    }
    await postToSlack(ctx, webhook, formatSalesReport(report));
    return `posted the sales report for ${day}: ${report.orders} orders`;
  },
};

export function formatSalesReport(report: SalesReport): string {
  const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: report.currency });
  const count = new Intl.NumberFormat('en-US');
  const average = report.orders > 0 ? `, average ${money.format(report.revenue / report.orders)}` : '';
  const lines = [
    `*Sales ${report.date}*: ${count.format(report.orders)} orders, ${money.format(report.revenue)} revenue${average}`,
  ];
  const top = [...report.topProducts].sort((a, b) => b.revenue - a.revenue).slice(0, 5);
  top.forEach((p, i) =>
    lines.push(`${i + 1}. ${p.name}: ${count.format(p.units)} units, ${money.format(p.revenue)}`),
  );
  return lines.join('\n');
}
