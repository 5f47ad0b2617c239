/**
 * EventBridge's event pattern matching, for the rules this app writes (offline: the
 * TestEventPattern API needs an account). Implements what AWS documents for content
 * filtering (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html):
 * - a pattern field holds a list of values; the event matches if its value is any of them;
 * - an event field that is a list matches if any of its items does;
 * - a field the pattern names but the event lacks does not match (unless `exists: false`);
 * - filters `prefix`, `suffix`, `anything-but`, `numeric`, `exists`;
 * - fields the pattern does not name are ignored; nested objects match field by field.
 * Anything else throws, so a pattern this matcher does not understand cannot pass silently.
 */
export function matchesEventPattern(pattern: unknown, event: unknown): boolean {
  if (!isObject(pattern)) throw new Error(`an event pattern is an object, got ${JSON.stringify(pattern)}`);
  return Object.entries(pattern).every(([key, expected]) =>
    matchesField(expected, isObject(event) ? event[key] : undefined, isObject(event) && key in event),
  );
}

function matchesField(expected: unknown, actual: unknown, present: boolean): boolean {
  if (Array.isArray(expected)) {
    return expected.some((candidate) => matchesValue(candidate, actual, present));
  }
  if (isObject(expected)) return present && isObject(actual) && matchesEventPattern(expected, actual);
  throw new Error(`a pattern field is a list or an object, got ${JSON.stringify(expected)}`);
}

function matchesValue(candidate: unknown, actual: unknown, present: boolean): boolean {
  if (isObject(candidate)) return matchesFilter(candidate, actual, present);
  if (!present) return false;
  const values = Array.isArray(actual) ? actual : [actual];
  return values.some((value) => value === candidate);
}

function matchesFilter(filter: Record<string, unknown>, actual: unknown, present: boolean): boolean {
  const [name, argument] = Object.entries(filter)[0] ?? [];
  if (name === 'exists') return argument === present;
  if (!present) return false;
  const values = Array.isArray(actual) ? actual : [actual];
  switch (name) {
    case 'prefix':
      return values.some((v) => typeof v === 'string' && v.startsWith(String(argument)));
    case 'suffix':
      return values.some((v) => typeof v === 'string' && v.endsWith(String(argument)));
    case 'anything-but': {
      const excluded = Array.isArray(argument) ? argument : [argument];
      return values.every((v) => !excluded.includes(v));
    }
    case 'numeric':
      return values.some((v) => typeof v === 'number' && numeric(argument as unknown[], v));
    default:
      throw new Error(`unsupported filter ${JSON.stringify(filter)}`);
  }
}

function numeric(conditions: unknown[], value: number): boolean {
  for (let i = 0; i < conditions.length; i += 2) {
    const [op, bound] = [conditions[i], Number(conditions[i + 1])];
    const ok = {
      '>': value > bound,
      '>=': value >= bound,
      '<': value < bound,
      '<=': value <= bound,
      '=': value === bound,
    }[String(op)];
    if (ok === undefined) throw new Error(`unsupported numeric operator ${String(op)}`);
    if (!ok) return false;
  }
  return true;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
