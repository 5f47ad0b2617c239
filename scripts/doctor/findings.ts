import { isCredentialsError } from '../job/errors';

/**
 * One result of one check. `ok` needs no action; a `warning` is worth reading before the
 * first deploy; a `blocker` would make the deploy fail, or leave something broken after it.
 */
export type Level = 'ok' | 'warning' | 'blocker';

export interface Finding {
  readonly level: Level;
  /** What was found, naming the resource (never a secret's value). */
  readonly what: string;
  /** What to do about it; omitted on `ok`. */
  readonly fix?: string;
}

export const ok = (what: string): Finding => ({ level: 'ok', what });
export const warning = (what: string, fix: string): Finding => ({ level: 'warning', what, fix });
export const blocker = (what: string, fix: string): Finding => ({ level: 'blocker', what, fix });

/** `✓ what`, `warning: what; fix: ...` or `blocker: what; fix: ...`: one line each. */
export function formatFinding(finding: Finding): string {
  const fix = finding.fix ? `; fix: ${finding.fix}` : '';
  switch (finding.level) {
    case 'ok':
      return `✓ ${finding.what}`;
    case 'warning':
      return `warning: ${finding.what}${fix}`;
    case 'blocker':
      return `blocker: ${finding.what}${fix}`;
  }
}

/** The SDK's error name (`ResourceNotFoundException`, ...), or undefined for other throws. */
export function awsErrorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

/**
 * A check that could not be made is a warning, not a blocker: the doctor's role may lack a
 * read permission the deployment does not need. Credential failures are rethrown so the
 * caller stops with the one "no usable credentials" line instead of a warning per check.
 */
export function couldNotCheck(what: string, error: unknown, permission: string): Finding {
  if (isCredentialsError(error)) throw error;
  const name = awsErrorName(error) ?? 'Error';
  const message = error instanceof Error ? error.message : String(error);
  const denied = /AccessDenied|AuthorizationError|NotAuthorized/i.test(name);
  return warning(
    `could not check ${what} (${name}${denied ? '' : `: ${message}`})`,
    denied
      ? `run the doctor with a role allowed ${permission}`
      : 'run the doctor again; if it persists, check by hand',
  );
}
