import { z } from 'zod';
import { requireEnv, requireUrlEnv } from '../env';
import { JobFailure } from '../errors';
import { requestJson } from '../http';
import type { Task } from '../task';

const inventorySchema = z.object({
  items: z.array(
    z.object({
      sku: z.string().min(1),
      quantity: z.int().min(0),
      updatedAt: z.iso.datetime({ offset: true }),
    }),
  ),
});

/** Pulls the partner's stock levels and reports what came back; a malformed payload fails the run. */
export const partnerSync: Task = {
  usage: 'partner-sync',
  async run(ctx) {
    const url = requireUrlEnv(ctx.env, 'PARTNER_API_URL', "the partner's inventory API URL");
    const apiKey = requireEnv(ctx.env, 'PARTNER_API_KEY', 'the partner API key (a secret)');
    const { items } = await requestJson(ctx, 'partner API', url, inventorySchema, {
      headers: { 'x-api-key': apiKey },
    });
    const skus = new Set(items.map((i) => i.sku));
    // Two rows for one SKU would make the stock level depend on row order.
    if (skus.size !== items.length) {
      throw new JobFailure(
        `partner API returned ${items.length - skus.size} duplicate SKUs in ${items.length} items`,
      );
    }
    const outOfStock = items.filter((i) => i.quantity === 0).length;
    const counts = { items: items.length, inStock: items.length - outOfStock, outOfStock };
    ctx.log.info('partner inventory received', counts);
    return `received ${counts.items} items: ${counts.inStock} in stock, ${counts.outOfStock} out of stock`;
  },
};
