import {
  crossAccountStatements,
  permissionLines,
  profileStatements,
  type AccessScope,
} from '../../lib/access/statements';
import type { AccessProfileConfig, ScheduledJobConfig, WorkerConfig } from '../../lib/config';
import { accessNames } from '../../lib/schedule/naming';

/** Heads the access diff; the review comment lifts what follows it (scripts/review/comment.ts). */
export const ACCESS_CHANGES = 'Access changes against';

/** What a revision says about access: its profiles and which job and worker names which. */
export interface AccessView {
  readonly schedules: readonly Pick<ScheduledJobConfig, 'name' | 'access'>[];
  readonly workers?: readonly Pick<WorkerConfig, 'name' | 'access'>[];
  readonly access: readonly AccessProfileConfig[];
}

/** Who names profiles: jobs by their name, workers as `worker <name>`. */
function users(view: AccessView): { label: string; access?: string | undefined }[] {
  return [
    ...view.schedules.map((j) => ({ label: j.name, access: j.access })),
    ...(view.workers ?? []).map((w) => ({ label: `worker ${w.name}`, access: w.access })),
  ];
}

function permissionsOf(view: AccessView, scope: AccessScope): Map<string, string[]> {
  return new Map(
    view.access.map((profile) => [
      profile.name,
      permissionLines(profileStatements(profile.grants, scope), scope),
    ]),
  );
}

/**
 * The report's access section: each profile with its owner, the jobs that name it and what it
 * may do, one permission a line; then the jobs with no profile, which may do nothing; then
 * what another account must add for a cross-account grant.
 */
export function accessSection(view: AccessView, scope: AccessScope): string[] {
  const lines = ['Access (config/access.ts):'];
  if (view.access.length === 0) lines.push('  no profiles: no job can call AWS');
  for (const profile of view.access) {
    const jobs = view.schedules.filter((j) => j.access === profile.name).map((j) => j.name);
    const workers = (view.workers ?? []).filter((w) => w.access === profile.name).map((w) => w.name);
    const named = [
      ...(jobs.length > 0 ? [`jobs ${jobs.join(', ')}`] : []),
      ...(workers.length > 0 ? [`workers ${workers.join(', ')}`] : []),
    ];
    lines.push(
      `  ${profile.name} (owner ${profile.owner}), role ${accessNames(scope.environment).role(profile.name)}: ${
        named.length > 0 ? named.join('; ') : 'no job or worker names it'
      }`,
    );
    for (const permission of permissionLines(profileStatements(profile.grants, scope), scope))
      lines.push(`      ${permission}`);
  }
  const none = view.schedules.filter((j) => j.access === undefined).length;
  if (none > 0) lines.push(`  ${none} job(s) name no profile: they can call no AWS API`);
  for (const profile of view.access) {
    const foreign = crossAccountStatements(
      profileStatements(profile.grants, scope),
      `arn:${scope.partition}:iam::${scope.account}:role/${accessNames(scope.environment).role(profile.name)}`,
      profile.name.replace(/[^A-Za-z0-9]/g, ''),
    );
    for (const { account, statement } of foreign)
      lines.push(
        `  ! ${profile.name} reaches account ${account}, which must add: ${JSON.stringify(statement)}`,
      );
  }
  return lines;
}

/**
 * What a pull request changes in who may do what, as plainly as a cron change: each profile
 * that adds or drops permissions, then each job and worker that gains or loses them (by a
 * profile's change or by naming another profile). Empty when nothing changes.
 */
export function diffAccess(base: AccessView, head: AccessView, scope: AccessScope): string[] {
  const before = permissionsOf(base, scope);
  const after = permissionsOf(head, scope);
  const lines: string[] = [];
  const minus = (a: readonly string[], b: readonly string[]) => a.filter((x) => !b.includes(x));

  for (const profile of head.access) {
    const was = before.get(profile.name);
    const now = after.get(profile.name)!;
    if (!was) {
      lines.push(`+ profile ${profile.name} is new (owner ${profile.owner}): ${now.join('; ')}`);
      continue;
    }
    for (const p of minus(now, was)) lines.push(`~ profile ${profile.name} adds ${p}`);
    for (const p of minus(was, now)) lines.push(`~ profile ${profile.name} drops ${p}`);
  }
  for (const profile of base.access.filter((p) => !after.has(p.name)))
    lines.push(`- profile ${profile.name} is removed`);

  const baseUsers = new Map(users(base).map((u) => [u.label, u]));
  for (const user of users(head)) {
    const old = baseUsers.get(user.label);
    const was = old?.access === undefined ? [] : (before.get(old.access) ?? []);
    const now = user.access === undefined ? [] : after.get(user.access)!;
    const via = (profile: string | undefined) => (profile === undefined ? '' : ` (profile ${profile})`);
    for (const p of minus(now, was)) lines.push(`+ ${user.label} gains ${p}${via(user.access)}`);
    for (const p of minus(was, now)) lines.push(`- ${user.label} loses ${p}${via(old?.access)}`);
  }
  return lines;
}

/**
 * The access changes of every environment, for the review: once when every environment
 * changes alike, else under each environment that changes; `no access changes` when none does.
 */
export function accessChangesByEnvironment(
  changes: readonly { readonly environment: string; readonly lines: readonly string[] }[],
): string[] {
  const changed = changes.filter((c) => c.lines.length > 0);
  if (changed.length === 0) return ['no access changes'];
  const same = (c: { lines: readonly string[] }) => c.lines.join('\n') === changed[0]!.lines.join('\n');
  if (changed.length === changes.length && changes.length > 1 && changes.every(same))
    return ['in every environment:', ...changed[0]!.lines.map((l) => `  ${l}`)];
  return changed.flatMap((c) => [`in ${c.environment}:`, ...c.lines.map((l) => `  ${l}`)]);
}
