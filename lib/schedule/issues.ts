/** Zod issues as one line: `field.path: message; ...` (the whole value is named `what`). */
export function issuesText(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
  what: string,
): string {
  return issues.map((i) => `${i.path.map(String).join('.') || what}: ${i.message}`).join('; ');
}
