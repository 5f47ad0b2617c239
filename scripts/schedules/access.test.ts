import { describe, expect, it } from 'vitest';
import { loadConfig, type AccessProfileConfig } from '../../lib/config';
import { readTable, writeBucket, writeTable, type Grant } from '../../lib/config/access-grants';
import { FIXTURE_CONFIG } from '../../test/fixtures/config';
import { accessScope } from '../../lib/access/statements';
import { accessSection, diffAccess, type AccessView } from './access';

const config = loadConfig('sandbox', FIXTURE_CONFIG);
const scope = accessScope(config.environment);

const profile = (name: string, grants: AccessProfileConfig['grants']): AccessProfileConfig => ({
  name,
  description: `${name} profile`,
  owner: 'data-platform',
  grants,
});
const reports = profile('reports-writer', [writeBucket({ bucket: 'acme-reports', prefix: 'daily/' })]);
const view = (access: AccessProfileConfig[], jobs: [string, string?][]): AccessView => ({
  access,
  schedules: jobs.map(([name, profileName]) => (profileName ? { name, access: profileName } : { name })),
});

describe('the access section of the schedule report', () => {
  it('lists each profile with its role, the jobs naming it and its permissions, then the jobs with none', () => {
    expect(
      accessSection(view([reports], [['nightly-sales-report', 'reports-writer'], ['canary']]), scope),
    ).toEqual([
      'Access (config/access.ts):',
      '  reports-writer (owner data-platform), role sandbox-job-profile-reports-writer: jobs nightly-sales-report',
      '      s3:AbortMultipartUpload on acme-reports/daily/*',
      '      s3:PutObject on acme-reports/daily/*',
      '  1 job(s) name no profile: they can call no AWS API',
    ]);
  });

  it('says when no job names a profile, and when there are no profiles', () => {
    expect(accessSection(view([reports], []), scope)[1]).toMatch(/: no job or worker names it$/);
    expect(accessSection(view([], [['canary']]), scope).slice(0, 2)).toEqual([
      'Access (config/access.ts):',
      '  no profiles: no job can call AWS',
    ]);
  });

  it('prints what another account must add to its policy for a cross-account grant', () => {
    const partner = profile('partner-drop', [
      writeBucket({ bucket: 'partner-dropbox', prefix: 'acme/', account: '999999999999' }),
    ]);
    expect(accessSection(view([partner], []), scope).at(-1)).toBe(
      '  ! partner-drop reaches account 999999999999, which must add: {"Sid":"partnerdrop0","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:role/sandbox-job-profile-partner-drop"},"Action":["s3:AbortMultipartUpload","s3:PutObject"],"Resource":["arn:aws:s3:::partner-dropbox/acme/*"]}',
    );
  });

  it("shows the fixture's profiles and who uses them", () => {
    const lines = accessSection(config, scope);
    expect(lines).toContain(
      '  catalogue-reader (owner commerce), role sandbox-job-profile-catalogue-reader: jobs search-index-rebuild',
    );
    expect(lines).toContain('      dynamodb:Query on dynamodb table/catalogue-products/index/*');
    expect(lines).toContain('  8 job(s) name no profile: they can call no AWS API');
  });
});

describe('access changes of a pull request', () => {
  it('a job that starts naming a profile gains each of its permissions', () => {
    expect(
      diffAccess(
        view([reports], [['nightly-sales-report']]),
        view([reports], [['nightly-sales-report', 'reports-writer']]),
        scope,
      ),
    ).toEqual([
      '+ nightly-sales-report gains s3:AbortMultipartUpload on acme-reports/daily/* (profile reports-writer)',
      '+ nightly-sales-report gains s3:PutObject on acme-reports/daily/* (profile reports-writer)',
    ]);
  });

  it('a profile that adds a grant says so once, and for every job that names it', () => {
    const wider = profile('reports-writer', [...reports.grants, writeTable({ table: 'report-index' })]);
    const jobs: [string, string?][] = [
      ['nightly-sales-report', 'reports-writer'],
      ['weekly-sales-report', 'reports-writer'],
      ['canary'],
    ];
    const lines = diffAccess(view([reports], jobs), view([wider], jobs), scope);
    expect(lines).toContain(
      '~ profile reports-writer adds dynamodb:DeleteItem on dynamodb table/report-index',
    );
    expect(lines).toContain(
      '+ weekly-sales-report gains dynamodb:DeleteItem on dynamodb table/report-index (profile reports-writer)',
    );
    expect(lines.filter((l) => l.startsWith('~ profile'))).toHaveLength(6);
    expect(lines.filter((l) => l.startsWith('+ nightly-sales-report'))).toHaveLength(6);
    expect(lines.some((l) => l.includes('canary'))).toBe(false);
  });

  it('a narrower prefix drops the old keys and adds the new, for the profile and its jobs', () => {
    const monthly = profile('reports-writer', [writeBucket({ bucket: 'acme-reports', prefix: 'monthly/' })]);
    const jobs: [string, string?][] = [['nightly-sales-report', 'reports-writer']];
    expect(diffAccess(view([reports], jobs), view([monthly], jobs), scope)).toEqual([
      '~ profile reports-writer adds s3:AbortMultipartUpload on acme-reports/monthly/*',
      '~ profile reports-writer adds s3:PutObject on acme-reports/monthly/*',
      '~ profile reports-writer drops s3:AbortMultipartUpload on acme-reports/daily/*',
      '~ profile reports-writer drops s3:PutObject on acme-reports/daily/*',
      '+ nightly-sales-report gains s3:AbortMultipartUpload on acme-reports/monthly/* (profile reports-writer)',
      '+ nightly-sales-report gains s3:PutObject on acme-reports/monthly/* (profile reports-writer)',
      '- nightly-sales-report loses s3:AbortMultipartUpload on acme-reports/daily/* (profile reports-writer)',
      '- nightly-sales-report loses s3:PutObject on acme-reports/daily/* (profile reports-writer)',
    ]);
  });

  it('a job moving to another profile gains what is new and loses what is gone, nothing it keeps', () => {
    const reader = profile('catalogue-reader', [
      readTable({ table: 'catalogue-products', indexes: false }) as Grant,
    ]);
    const both = profile('catalogue-all', [
      readTable({ table: 'catalogue-products', indexes: false }) as Grant,
      ...reports.grants,
    ]);
    const lines = diffAccess(
      view([reader, both], [['search-index-rebuild', 'catalogue-reader']]),
      view([reader, both], [['search-index-rebuild', 'catalogue-all']]),
      scope,
    );
    expect(lines).toEqual([
      '+ search-index-rebuild gains s3:AbortMultipartUpload on acme-reports/daily/* (profile catalogue-all)',
      '+ search-index-rebuild gains s3:PutObject on acme-reports/daily/* (profile catalogue-all)',
    ]);
  });

  it('a new profile, a removed one, and a job that stops naming one', () => {
    const reader = profile('catalogue-reader', [
      readTable({ table: 'catalogue-products', indexes: false }) as Grant,
    ]);
    const lines = diffAccess(
      view([reports], [['nightly-sales-report', 'reports-writer']]),
      view([reader], [['nightly-sales-report']]),
      scope,
    );
    expect(lines[0]).toMatch(
      /^\+ profile catalogue-reader is new \(owner data-platform\): dynamodb:BatchGetItem on dynamodb table\/catalogue-products; /,
    );
    expect(lines.slice(1)).toEqual([
      '- profile reports-writer is removed',
      '- nightly-sales-report loses s3:AbortMultipartUpload on acme-reports/daily/* (profile reports-writer)',
      '- nightly-sales-report loses s3:PutObject on acme-reports/daily/* (profile reports-writer)',
    ]);
  });

  it('is empty when nothing changes, and a new job with a profile gains its permissions', () => {
    const jobs: [string, string?][] = [['nightly-sales-report', 'reports-writer']];
    expect(diffAccess(view([reports], jobs), view([reports], jobs), scope)).toEqual([]);
    expect(diffAccess(view([reports], []), view([reports], jobs), scope)).toHaveLength(2);
  });

  it('a worker that starts naming a profile gains its permissions, named as a worker', () => {
    const base: AccessView = { ...view([reports], []), workers: [{ name: 'order-events-relay' }] };
    const head: AccessView = {
      ...view([reports], []),
      workers: [{ name: 'order-events-relay', access: 'reports-writer' }],
    };
    expect(diffAccess(base, head, scope)).toEqual([
      '+ worker order-events-relay gains s3:AbortMultipartUpload on acme-reports/daily/* (profile reports-writer)',
      '+ worker order-events-relay gains s3:PutObject on acme-reports/daily/* (profile reports-writer)',
    ]);
    expect(accessSection(head, scope)[1]).toBe(
      '  reports-writer (owner data-platform), role sandbox-job-profile-reports-writer: workers order-events-relay',
    );
  });
});
