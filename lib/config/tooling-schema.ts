import { z } from 'zod';
import { parseOrThrow, ConfigError } from './config-error';
import { closestMatch } from './did-you-mean';
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

/**
 * Validates `tooling` of config/environments.ts, including that every one of `tooling.stages`
 * is an environment of the same file (otherwise the pipeline synth would blame `-c env`).
 */
export function parseTooling(
  input: unknown,
  environments: readonly string[],
  file = 'config/environments.ts',
): ToolingConfig {
  const tooling = parseOrThrow(file, 'tooling', toolingSchema, input);
  const problems: string[] = [];
  tooling.stages.forEach((stage, i) => {
    if (!environments.includes(stage)) {
      const match = closestMatch(stage, environments);
      problems.push(
        `tooling.stages.${i}: "${stage}" is not an environment of this file: ${match ? `did you mean "${match}"? ` : ''}the pipeline deploys environments, one of ${environments.join(', ')}`,
      );
    } else if (tooling.stages.indexOf(stage) !== i) {
      problems.push(
        `tooling.stages.${i}: "${stage}" is listed twice: the pipeline deploys each environment once`,
      );
    }
  });
  if (problems.length > 0) throw new ConfigError(file, problems);
  return tooling;
}
