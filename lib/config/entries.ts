import { z } from 'zod';
import { ConfigError, describeIssues } from './config-error';

export interface EntriesContext {
  /** The environment being synthesized; its overrides are applied. */
  readonly environment: string;
  /** Every environment name, so an override for a misspelt one is caught. */
  readonly knownEnvironments: readonly string[];
}

/** `name` in an override: an entry's resources are named after it, so it cannot vary. */
export const notOverridable = z.never({
  error:
    'cannot be overridden: an entry has one name in every environment, because its resources are named after it',
});

export interface EntriesSpec<S extends z.ZodType<{ name: string }>> {
  /** The file operators edit, for the error header. */
  readonly file: string;
  /** What one entry is called in messages: `jobs`, `workers`. */
  readonly kind: string;
  /** The whole entry, with its cross-field rules. */
  readonly schema: S;
  /** The entry's fields without `name`, all optional: what `overrides.<env>` may change. */
  readonly overrideSchema: z.ZodType<Record<string, unknown>>;
  /**
   * Problems only the valid entries together show: names that clash or grow too long once
   * the platform adds the environment's prefix and its suffixes.
   */
  readonly checkNames: (entries: readonly z.output<S>[]) => string[];
}

/**
 * Validates a list of named entries from an operator-edited file for one environment:
 * applies `overrides.<env>`, checks the override's environment exists, rejects duplicate
 * names, and reports every problem at once as `<name>.<field>: <what is wrong and the fix>`.
 */
export function parseEntries<S extends z.ZodType<{ name: string }>>(
  input: readonly unknown[],
  context: EntriesContext,
  spec: EntriesSpec<S>,
): z.output<S>[] {
  const problems: string[] = [];
  const entries: z.output<S>[] = [];
  const seen = new Map<string, number>();
  const overridesSchema = z.record(z.string(), spec.overrideSchema);

  input.forEach((raw, index) => {
    const entry = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
    const label = typeof entry['name'] === 'string' ? entry['name'] : `${spec.kind}[${index}]`;
    const { overrides, ...base } = entry;

    const parsedOverrides = overridesSchema.safeParse(overrides ?? {});
    if (!parsedOverrides.success) {
      problems.push(
        ...describeIssues(
          label,
          parsedOverrides.error.issues.map((i) => ({ ...i, path: ['overrides', ...i.path] })),
          z.object({ overrides: overridesSchema }),
        ),
      );
      return;
    }
    for (const env of Object.keys(parsedOverrides.data)) {
      if (!context.knownEnvironments.includes(env)) {
        problems.push(
          `${label}.overrides.${env}: no such environment; use one of ${context.knownEnvironments.join(', ')}`,
        );
      }
    }
    // Merge the override as written: its parsed form carries defaults that would mask `base`.
    const override = (overrides as Record<string, object> | undefined)?.[context.environment] ?? {};
    const result = spec.schema.safeParse({ ...base, ...override });
    if (!result.success) {
      problems.push(...describeIssues(label, result.error.issues, spec.schema, ['overrides']));
      return;
    }
    const first = seen.get(result.data.name);
    if (first !== undefined) {
      problems.push(
        `${result.data.name}.name: is used by ${spec.kind}[${first}] and ${spec.kind}[${index}]: names must be unique`,
      );
      return;
    }
    seen.set(result.data.name, index);
    entries.push(result.data);
  });

  problems.push(...spec.checkNames(entries));
  if (problems.length > 0) throw new ConfigError(spec.file, problems);
  return entries;
}
