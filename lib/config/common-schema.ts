import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { typeError } from './config-error';

/** Folder of the container images built from this repository (at deploy time). */
export const CONTAINERS_DIR = path.join(__dirname, '..', '..', 'containers');

/**
 * Names of jobs and workers. They become parts of ECS task families, Scheduler schedule
 * names (64 chars), SQS queue names (80) and CloudWatch dimensions, after the environment
 * prefix (up to 21 chars) and before suffixes such as `-dlq`. 40 characters is the limit on
 * its own; parseSchedules and parseWorkers check the names built from it.
 */
export const resourceName = z
  .string({ error: typeError('a string', 'a lowercase name such as "nightly-report"') })
  .regex(/^[a-z][a-z0-9-]*[a-z0-9]$/, {
    error: (iss) =>
      `"${String(iss.input)}" must be lowercase letters, digits and "-", starting with a letter and not ending with "-"`,
  })
  .max(40, { error: 'is longer than 40 characters: it must fit in schedule, task family and queue names' })
  .refine((n) => !n.includes('--'), { error: 'must not contain "--"' });

/**
 * Container images: a folder of `containersDir` with a Dockerfile (built at deploy) or an
 * existing ECR image. `containersDir` is the repository's containers/ but for tests, which
 * need a folder without a Dockerfile that containers/ never has.
 */
export function imageSchemaIn(containersDir: string) {
  return z.union(
    [
      z.strictObject({
        directory: z
          .string()
          .regex(/^[a-z0-9][a-z0-9-]*$/, {
            error: 'must be the name of a folder under containers/, e.g. "batch-job"',
          })
          .refine((dir) => fs.existsSync(path.join(containersDir, dir, 'Dockerfile')), {
            error: (iss) =>
              `containers/${String(iss.input)} has no Dockerfile: use an existing folder (${fs
                .readdirSync(containersDir)
                .filter((folder) => fs.existsSync(path.join(containersDir, folder, 'Dockerfile')))
                .join(', ')}) or add one`,
          }),
      }),
      z.strictObject({
        ecrRepository: z.string().regex(/^arn:aws[a-z-]*:ecr:[a-z0-9-]+:\d{12}:repository\/[a-z0-9._/-]+$/, {
          error:
            'must be an ECR repository ARN, e.g. "arn:aws:ecr:ap-northeast-1:123456789012:repository/reports"',
        }),
        tag: z.string().min(1).default('latest'),
      }),
    ],
    {
      error:
        'must be { directory: "<folder under containers/>" } or { ecrRepository: "<ARN>", tag?: "<tag>" }',
    },
  );
}

/** Container images: a folder under containers/ (built at deploy) or an existing ECR image. */
export const imageSchema = imageSchemaIn(CONTAINERS_DIR);

/** The command the container runs, as an argv list (no shell, so nothing is re-split). */
export const commandSchema = z
  .array(z.string().min(1, { error: 'has an empty argument' }), {
    error: (issue) =>
      // No shell splits the command: say what the list of the line as written would be.
      typeof issue.input === 'string'
        ? `must be a list of arguments, not one string: ${JSON.stringify(issue.input.trim().split(/\s+/))}`
        : typeError(
            'a list',
            'the program and its arguments, e.g. ["node", "dist/main.js", "report"]',
          )(issue),
  })
  .min(1, { error: 'is empty: give the program and its arguments, e.g. ["node", "dist/main.js", "report"]' });

/** Plain, non-secret environment variables. Secrets go in `secrets`, by reference. */
export const envVarsSchema = z
  .record(
    z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'variable names must be letters, digits and "_"' }),
    z.string(),
  )
  .default({})
  .superRefine((vars, ctx) => {
    for (const key of Object.keys(vars)) {
      if (/SECRET|PASSWORD|TOKEN|API_?KEY|PRIVATE_KEY/i.test(key)) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `looks like a secret: move it to "secrets" as a Secrets Manager or SSM reference; plain values end up in the task definition for anyone with ecs:Describe* to read`,
        });
      }
    }
  });

/**
 * Secrets injected by ECS at task start, by reference only:
 * `{ secretsManager: 'name-or-arn', field?: 'jsonKey' }` or `{ ssmParameter: '/path' }`.
 */
export const secretRefSchema = z.union(
  [
    z.strictObject({
      secretsManager: z.string().min(1),
      field: z.string().min(1).optional(),
    }),
    z.strictObject({
      ssmParameter: z
        .string()
        .regex(/^\/[A-Za-z0-9_.\-/]+$/, { error: 'must be an SSM parameter name starting with "/"' }),
    }),
  ],
  {
    error:
      'must be a reference, { secretsManager: "<name or ARN>", field?: "<json key>" } or { ssmParameter: "/path" }; never a plain value',
  },
);

export const secretsSchema = z
  .record(
    z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'variable names must be letters, digits and "_"' }),
    secretRefSchema,
  )
  .default({});

export type ImageRef = z.output<typeof imageSchema>;
export type SecretRef = z.output<typeof secretRefSchema>;
