import type { z } from 'zod';
import { fieldsAt, unknownFieldMessage } from './did-you-mean';

/** The problems of one operator-edited file. */
export interface FileProblems {
  /** The file to edit, e.g. `config/schedules.ts`. */
  readonly file: string;
  readonly problems: readonly string[];
}

/**
 * Thrown when an operator-edited file under `config/` is invalid.
 *
 * The message lists every problem at once (fixing one at a time through repeated
 * `cdk synth` runs is slow), each naming the entry, the field and the fix. `ConfigError.all`
 * gathers the errors of several files into one, so a bad workers.ts is not hidden behind a
 * bad schedules.ts until the next run.
 */
export class ConfigError extends Error {
  /** Every invalid file with its problems, in the order they were read. */
  public readonly files: readonly FileProblems[];
  /** The problems of every file, in order. */
  public readonly problems: readonly string[];
  /** The first invalid file, e.g. `config/schedules.ts`. */
  public readonly file: string;

  constructor(file: string, problems: readonly string[], ...more: readonly FileProblems[]) {
    const files = [{ file, problems }, ...more];
    super(
      files.map((f) => `${f.file} is invalid:\n${f.problems.map((p) => `  - ${p}`).join('\n')}`).join('\n'),
    );
    this.name = 'ConfigError';
    this.files = files;
    this.file = file;
    this.problems = files.flatMap((f) => f.problems);
  }

  /** One error with the problems of all of `errors` (at least one), the same file's together. */
  static all(errors: readonly [ConfigError, ...ConfigError[]]): ConfigError {
    const byFile = new Map<string, string[]>();
    for (const { file, problems } of errors.flatMap((e) => e.files)) {
      byFile.set(file, [...(byFile.get(file) ?? []), ...problems]);
    }
    const [first, ...more] = [...byFile].map(([file, problems]) => ({ file, problems }));
    return new ConfigError(first!.file, first!.problems, ...more);
  }
}

/** A value's kind in words, for "must be a string, got a number". */
function kindOf(value: unknown): string {
  // null never gets here: typeError reports it as missing.
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * The error of a field's base type: "is required: <hint>" when the field is missing (or null), and
 * "must be <type>, got a number: <hint>" when it holds the wrong type (a quoted-number slip
 * is not a missing field). `hint` says what to write. Other issues fall back to their checks.
 */
export function typeError(type: string, hint: string) {
  return (issue: { code?: string; input?: unknown }): string | undefined => {
    // null is how some write "not set"; it is missing all the same.
    if (issue.input === undefined || issue.input === null) return `is required: ${hint}`;
    if (issue.code === 'invalid_type') return `must be ${type}, got ${kindOf(issue.input)}: ${hint}`;
    return undefined;
  };
}

/** zod's own words for a field of the wrong type, for fields whose schema gives none. */
const ZOD_INVALID_TYPE = /^Invalid input: expected (\w+), received (\w+)$/;
const TYPE_WORDS: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  record: 'an object',
};

const RECEIVED_WORDS: Readonly<Record<string, string>> = {
  array: 'a list',
  object: 'an object',
  null: 'null',
};

function typeMessage(issue: z.core.$ZodIssue): string {
  const m = ZOD_INVALID_TYPE.exec(issue.message);
  if (issue.code !== 'invalid_type' || !m) return issue.message;
  const expected = TYPE_WORDS[m[1]!] ?? m[1]!;
  if (m[2] === 'undefined') return `is required: ${expected}`;
  return `must be ${expected}, got ${RECEIVED_WORDS[m[2]!] ?? `a ${m[2]}`}`;
}

/** Formats a zod issue as `<entry>.<field>: <message>`; `entry` names the job/worker/environment. */
export function describeIssue(entry: string, issue: z.core.$ZodIssue): string {
  const field = issue.path.map(String).join('.');
  // zod reports a record key that fails its schema as "Invalid key in record" and keeps
  // the key schema's message (the fix) inside; show that one.
  const message =
    issue.code === 'invalid_key' ? issue.issues.map((i) => i.message).join('; ') : typeMessage(issue);
  return field ? `${entry}.${field}: ${message}` : `${entry}: ${message}`;
}

/**
 * Formats every issue of parsing with `schema`, one line per problem. An unknown key (a typo
 * such as `disabledReson`) gets the field it was probably meant to be; `topLevelFields` are
 * further fields the entry may have that `schema` does not parse (e.g. `overrides`).
 */
export function describeIssues(
  entry: string,
  issues: readonly z.core.$ZodIssue[],
  schema: z.core.$ZodType,
  topLevelFields: readonly string[] = [],
): string[] {
  return issues.flatMap((issue) => {
    if (issue.code !== 'unrecognized_keys') return [describeIssue(entry, issue)];
    const fields = [...fieldsAt(schema, issue.path), ...(issue.path.length === 0 ? topLevelFields : [])];
    return issue.keys.map((key) =>
      describeIssue(entry, {
        ...issue,
        path: [...issue.path, key],
        message: unknownFieldMessage(key, fields),
      }),
    );
  });
}

/** Parses `input` with `schema`, throwing a ConfigError that names `entry` and each field. */
export function parseOrThrow<S extends z.ZodType>(
  file: string,
  entry: string,
  schema: S,
  input: unknown,
): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new ConfigError(file, describeIssues(entry, result.error.issues, schema));
  }
  return result.data;
}

/** The config field an error CDK raised is about, from the words of CDK's message. */
function blamedField(message: string): string | undefined {
  // Every platform name (schedule, task family, queue, service, role, alarm, construct id)
  // is built from the entry's name, so a name CDK rejects is the entry's `name`.
  return /scheduleName|queueName|family|serviceName|alarmName|already a Construct/.test(message)
    ? 'name'
    : undefined;
}

/**
 * Builds the constructs of one config entry (`build`), turning an error CDK raises there
 * into a ConfigError that names the file, the entry and (where CDK's message says) the field,
 * instead of a stack trace through aws-cdk-lib.
 */
export function buildEntry<T>(file: string, kind: string, entry: string, build: () => T): T {
  try {
    return build();
  } catch (e) {
    if (e instanceof ConfigError || !(e instanceof Error)) throw e;
    const field = blamedField(e.message);
    const fix = field === 'name' ? `; choose a shorter or different name for this ${kind}` : '';
    throw new ConfigError(file, [
      `${entry}${field ? `.${field}` : ''}: AWS CDK rejected this ${kind}: ${e.message}${fix}`,
    ]);
  }
}
