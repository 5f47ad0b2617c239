import type { z } from 'zod';

/**
 * Edits (insert, delete, substitute, swap two neighbours) that turn `a` into `b`: the
 * optimal-string-alignment distance, so `disabledReson` is 1 from `disabledReason` and the
 * swapped `timoeut` is 1 from `timeout`.
 */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
      }
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The candidate `word` was most likely meant to be, compared case-insensitively: the closest
 * within a third of the word's length (at least one edit); failing that, one that starts with
 * all of the word but its last letter (`retry` -> `retries`); otherwise undefined.
 */
export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
  const limit = Math.max(1, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best === undefined && word.length >= 4) {
    const stem = word.slice(0, -1).toLowerCase();
    best = candidates.find((candidate) => candidate.toLowerCase().startsWith(stem));
  }
  return best;
}

type AnySchema = z.core.$ZodType;

/** The object schema(s) at `path` inside `schema`, through wrappers, lists, records and unions. */
function objectsAt(schema: AnySchema, path: readonly PropertyKey[]): AnySchema[] {
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  switch (def.type) {
    case 'pipe':
      return objectsAt(def['in'] as AnySchema, path);
    case 'default':
    case 'optional':
      return objectsAt(def['innerType'] as AnySchema, path);
    case 'union':
      return (def['options'] as AnySchema[]).flatMap((option) => objectsAt(option, path));
    case 'array':
      return path.length === 0 ? [] : objectsAt(def['element'] as AnySchema, path.slice(1));
    case 'record':
      return path.length === 0 ? [] : objectsAt(def['valueType'] as AnySchema, path.slice(1));
    case 'object': {
      if (path.length === 0) return [schema];
      const field = (def['shape'] as Record<string, AnySchema>)[String(path[0])];
      return field ? objectsAt(field, path.slice(1)) : [];
    }
    default:
      return [];
  }
}

/** The field names an object at `path` inside `schema` may have (all union options' together). */
export function fieldsAt(schema: AnySchema, path: readonly PropertyKey[]): string[] {
  const fields = objectsAt(schema, path).flatMap((object) =>
    Object.keys((object._zod.def as unknown as { shape: object }).shape),
  );
  return [...new Set(fields)];
}

/** What to say about `key`, which is not one of `fields`: the likely intended one, or the list. */
export function unknownFieldMessage(key: string, fields: readonly string[]): string {
  const match = closestMatch(key, fields);
  if (match) return `is not a known field: did you mean "${match}"?`;
  return `is not a known field: use one of ${fields.join(', ')}`;
}
