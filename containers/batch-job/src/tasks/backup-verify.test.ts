import { describe, expect, it } from 'vitest';
import { JobFailure } from '../errors';
import { fakeFetch, json, testContext } from '../testing/fakes';
import { backupVerify } from './backup-verify';

const env = { BACKUP_STATUS_URL: 'https://backups.internal.example.com/status' };
const NOW = '2026-11-22T20:00:00Z';

const withSnapshots = (...createdAt: string[]) =>
  fakeFetch(() => json({ snapshots: createdAt.map((c, i) => ({ id: `snap-${i}`, createdAt: c })) })).fetch;

describe('backup-verify', () => {
  it('passes when the newest snapshot is younger than 26 h, whatever the list order', async () => {
    const fetch = withSnapshots('2026-11-20T18:00:00Z', '2026-11-21T18:00:00Z', '2026-11-19T18:00:00Z');
    await expect(backupVerify.run(testContext({ env, fetch, now: NOW }).ctx)).resolves.toBe(
      'newest snapshot snap-1 is 26 h old (limit 26 h), 3 snapshots listed',
    );
  });

  it('fails when the newest snapshot is older than 26 h', async () => {
    const fetch = withSnapshots('2026-11-21T17:59:00Z');
    const run = backupVerify.run(testContext({ env, fetch, now: NOW }).ctx);
    await expect(run).rejects.toThrow(JobFailure);
    await expect(run).rejects.toThrow(
      "newest snapshot snap-0 was taken 26 h 1 min ago (2026-11-21T17:59:00Z), more than 26 h: last night's backup is missing",
    );
  });

  it('fails when there are no snapshots', async () => {
    await expect(
      backupVerify.run(testContext({ env, fetch: withSnapshots(), now: NOW }).ctx),
    ).rejects.toThrow('backup status API lists no snapshots at all');
  });
});
