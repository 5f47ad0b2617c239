import { z } from 'zod';
import { guardStatements, profileStatements, type AccessScope } from '../access/statements';
import { accessNames, jobNames, workerQueueNames } from '../schedule/naming';
import { grantSchemas, type Grant } from './access-grants';
import { resourceName } from './common-schema';
import { typeError } from './config-error';
import { closestMatch } from './did-you-mean';
import { notOverridable, parseEntries, type EntriesContext } from './entries';

/** IAM's limit on a customer managed policy, in characters without whitespace. */
export const MAX_MANAGED_POLICY_CHARS = 6_144;

/** The longest role name IAM takes. */
const MAX_ROLE_NAME = 64;

const GRANT_KINDS = Object.keys(grantSchemas) as (keyof typeof grantSchemas)[];

/** Fields whose operator-written value may carry a wildcard (never `reason`, `grant`). */
const WILDCARD = /[*?]/;

/**
 * Refuses a `*` or `?` an operator wrote (in a name, a prefix, an action or a resource)
 * unless the grant says why in `reason`: a wildcard is how one job's role quietly reaches
 * everything. The wildcards the grants themselves add (keys under a prefix, a secret's random
 * suffix) are not written by the operator and need no reason.
 */
function wildcardProblems(grant: Record<string, unknown>): { path: (string | number)[]; message: string }[] {
  if (typeof grant['reason'] === 'string') return [];
  const problems: { path: (string | number)[]; message: string }[] = [];
  // `grant` names the kind, never a wildcard; `reason` is a string here only when absent.
  for (const [field, value] of Object.entries(grant)) {
    const values = Array.isArray(value) ? value : [value];
    values.forEach((v, index) => {
      if (typeof v === 'string' && WILDCARD.test(v)) {
        problems.push({
          path: Array.isArray(value) ? [field, index] : [field],
          message: `"${v}" has a wildcard: name the resource exactly, or add a \`reason\` saying why this grant must be wide (the reviewer reads it)`,
        });
      }
    });
  }
  return problems;
}

const grantSchema = z
  .discriminatedUnion(
    'grant',
    GRANT_KINDS.map((kind) => grantSchemas[kind]) as unknown as [
      (typeof grantSchemas)[keyof typeof grantSchemas],
      ...(typeof grantSchemas)[keyof typeof grantSchemas][],
    ],
    {
      error: (iss) => {
        const kind = (iss.input as { grant?: unknown } | undefined)?.grant;
        const meant = typeof kind === 'string' ? closestMatch(kind, GRANT_KINDS) : undefined;
        return `must be a grant written with a helper of lib/config/access-grants.ts (${GRANT_KINDS.join(', ')})${
          typeof kind === 'string' ? `, not "${kind}"` : ''
        }${meant ? `: did you mean ${meant}?` : ''}`;
      },
    },
  )
  .superRefine((grant, ctx) => {
    for (const problem of wildcardProblems(grant)) ctx.addIssue({ code: 'custom', ...problem });
  });

const MAX_PROFILE_NAME = MAX_ROLE_NAME - accessNames('x'.repeat(21)).role('').length;

const profileFields = {
  name: resourceName.refine((n) => n.length <= MAX_PROFILE_NAME, {
    error: `is longer than ${MAX_PROFILE_NAME} characters: the role "<env>-job-profile-<name>" must fit IAM's 64`,
  }),
  description: z
    .string({ error: typeError('a string', 'one line saying what jobs with this profile may do') })
    .min(1, { error: 'is empty: say in one line what jobs with this profile may do' }),
  owner: z
    .string({ error: typeError('a string', 'the team that reviews changes to this profile, e.g. "sre"') })
    .regex(/^[a-z][a-z0-9-]*$/, { error: 'must be a team slug such as "sre" or "data-platform"' }),
  grants: z
    .array(grantSchema, {
      error: typeError('a list', 'the grants, e.g. [readBucket({ bucket: "acme-reports" })]'),
    })
    .min(1, { error: 'is empty: a profile grants something; a job that needs nothing names no profile' }),
};

const profileSchema = z.strictObject(profileFields);
const profileOverrideSchema = z.strictObject({ ...profileFields, name: notOverridable }).partial();

export type AccessProfileInput = z.input<typeof profileSchema> & {
  /** Per-environment changes, e.g. another bucket in staging: `{ staging: { grants: [...] } }`. */
  overrides?: Record<string, z.input<typeof profileOverrideSchema>>;
};

/** A validated access profile, with this environment's overrides applied. */
export interface AccessProfileConfig {
  readonly name: string;
  readonly description: string;
  readonly owner: string;
  readonly grants: readonly Grant[];
}

export interface AccessContext extends EntriesContext {
  /** Where the grants resolve: the environment's account and region. */
  readonly scope: AccessScope;
}

/** A policy's size as IAM counts it: its JSON without whitespace. */
export function policyChars(profile: AccessProfileConfig, scope: AccessScope): number {
  const statements = [...profileStatements(profile.grants, scope), ...guardStatements(scope)].map((s) => ({
    Effect: s.effect ?? 'Allow',
    Action: s.actions,
    Resource: s.resources,
    ...(s.conditions ? { Condition: s.conditions } : {}),
  }));
  return JSON.stringify({ Version: '2012-10-17', Statement: statements }).length;
}

/**
 * Validates config/access.ts for one environment. Every problem is reported at once as
 * `<profile>.<field>: <what is wrong and the fix>`.
 */
export function parseAccessProfiles(
  input: readonly unknown[],
  context: AccessContext,
  file = 'config/access.ts',
): AccessProfileConfig[] {
  return parseEntries(input, context, {
    file,
    kind: 'profiles',
    schema: profileSchema,
    overrideSchema: profileOverrideSchema,
    checkNames: (profiles) =>
      profiles.flatMap((profile) => {
        const chars = policyChars(profile, context.scope);
        return chars <= MAX_MANAGED_POLICY_CHARS
          ? []
          : [
              `${profile.name}.grants: make a policy of ${chars} characters, more than the ${MAX_MANAGED_POLICY_CHARS} IAM takes in a managed policy: split the profile in two`,
            ];
      }),
  });
}

/**
 * `access` of jobs and workers must name a profile, and a grant's `worker` a worker: problems
 * per file, each with the names that exist.
 */
export function accessReferenceProblems(
  profiles: readonly AccessProfileConfig[],
  users: { readonly file: string; readonly entries: readonly { name: string; access?: string }[] }[],
  workers: readonly string[],
  environment: string,
): { file: string; problems: string[] }[] {
  const names = profiles.map((p) => p.name);
  const unknown = (value: string, known: readonly string[], file: string) => {
    const meant = closestMatch(value, known);
    return `no ${file === 'config/workers.ts' ? 'worker' : 'profile'} "${value}" in ${file}${
      meant ? `: did you mean "${meant}"?` : known.length ? ` (there are ${known.join(', ')})` : ''
    }`;
  };
  const results = users.map(({ file, entries }) => ({
    file,
    problems: entries
      .filter((e) => e.access !== undefined && !names.includes(e.access))
      .map((e) => `${e.name}.access: ${unknown(e.access!, names, 'config/access.ts')}`),
  }));
  const grantProblems = profiles.flatMap((profile) =>
    profile.grants.flatMap((grant, index) => {
      const where = `${profile.name}.grants.${index}`;
      if (grant.grant === 'sendToQueue' && grant.worker !== undefined && !workers.includes(grant.worker))
        return [`${where}.worker: ${unknown(grant.worker, workers, 'config/workers.ts')}`];
      const platform = platformResource(grant, environment, workers);
      return platform ? [`${where}.${platform}`] : [];
    }),
  );
  return [...results, { file: 'config/access.ts', problems: grantProblems }].filter(
    (r) => r.problems.length > 0,
  );
}

/** The last part of a name or ARN: `table/x` → `x`, `arn:…:queue` → `queue`. */
const baseName = (nameOrArn: string, separator: string) => nameOrArn.split(separator).pop()!;

/**
 * A grant on what the platform itself runs on: its run records, its job events, a worker's
 * queue, its own secrets. A job holding it could forge outcomes, release leases, take a
 * worker's messages or read the Slack token; nothing a job does needs it.
 */
function platformResource(grant: Grant, environment: string, workers: readonly string[]): string | undefined {
  const names = jobNames(environment);
  switch (grant.grant) {
    case 'readTable':
    case 'writeTable':
      return baseName(grant.table, 'table/') === names.table
        ? `table: "${grant.table}" holds the platform's leases and run records: no job may touch it (npm run job -- status reads runs)`
        : undefined;
    case 'putEvents':
      return baseName(grant.bus, 'event-bus/') === names.eventBus
        ? `bus: "${grant.bus}" carries the platform's job events: a job putting events there could forge a run's outcome`
        : undefined;
    case 'consumeQueue': {
      const queue = baseName(grant.queue, ':');
      const owner = workers.find((w) => Object.values(workerQueueNames(environment, w)).includes(queue));
      return owner ? `queue: "${grant.queue}" is worker ${owner}'s: only the worker consumes it` : undefined;
    }
    case 'readSecret':
      return baseName(grant.secret, ':secret:').startsWith('batch-platform/')
        ? `secret: "${grant.secret}" is one of the platform's own secrets (batch-platform/…): no job may read them`
        : undefined;
    default:
      return undefined;
  }
}
