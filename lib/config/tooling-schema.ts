import { z } from 'zod';
import { accountId, region } from './environment-schema';

export const toolingSchema = z.strictObject({
  account: accountId,
  region: region.default('ap-northeast-1'),
});

export type ToolingConfig = z.output<typeof toolingSchema>;
