import { z } from 'zod';
import { accountId, region } from './environment-schema';

/** Where the delivery pipeline lives and what it watches. */
export const toolingSchema = z.strictObject({
  account: accountId,
  region: region.default('ap-northeast-1'),
  /** CodeStar (CodeConnections) connection to GitHub, created once by hand in the console. */
  connectionArn: z
    .string()
    .regex(
      /^arn:aws[a-z-]*:(codestar-connections|codeconnections):[a-z0-9-]+:\d{12}:connection\/[0-9a-f-]{36}$/,
      {
        error:
          'must be the ARN of a CodeStar/CodeConnections connection, e.g. "arn:aws:codeconnections:ap-northeast-1:444444444444:connection/<uuid>"',
      },
    ),
  /** GitHub repository as `owner/name`. */
  repository: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, { error: 'must be "owner/name" of the GitHub repository' }),
  branch: z.string().min(1).default('main'),
  /** Environments the pipeline deploys, in order; a manual approval precedes each after the first. */
  stages: z
    .array(z.string())
    .min(1, { error: 'must name at least one environment to deploy, e.g. ["staging", "production"]' })
    .default(['staging', 'production']),
});

export type ToolingConfig = z.output<typeof toolingSchema>;
