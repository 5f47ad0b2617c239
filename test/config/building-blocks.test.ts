import { describe, expect, it } from 'vitest';
import { isPrivate, overlaps, parseCidr } from '../../lib/config/cidr';
import { ConfigError, describeIssue, parseOrThrow } from '../../lib/config/config-error';
import { durationSchema, formatDuration } from '../../lib/config/duration';
import { FARGATE_SIZES, fargateSizeProblem } from '../../lib/config/fargate';
import { isIanaTimeZone } from '../../lib/config/timezone';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CONTAINERS_DIR,
  commandSchema,
  envVarsSchema,
  imageSchema,
  imageSchemaIn,
  resourceName,
  secretsSchema,
} from '../../lib/config/common-schema';
import { toolingSchema } from '../../lib/config/tooling-schema';
import { problemsOf } from '../support/config-problems';

const messages = (
  schema: {
    safeParse(v: unknown): {
      success: boolean;
      error?: { issues: { path: PropertyKey[]; message: string }[] };
    };
  },
  value: unknown,
) => {
  const result = schema.safeParse(value);
  return result.success
    ? []
    : result.error!.issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`);
};

describe('parseCidr', () => {
  it('reads a block as its first and last address', () => {
    expect(parseCidr('10.10.0.0/16')).toEqual({ first: 0x0a0a0000, last: 0x0a0affff, prefix: 16 });
    expect(parseCidr('192.168.1.128/25')).toEqual({ first: 0xc0a80180, last: 0xc0a801ff, prefix: 25 });
    expect(parseCidr('0.0.0.0/0')).toEqual({ first: 0, last: 2 ** 32 - 1, prefix: 0 });
    expect(parseCidr('255.255.255.255/32')).toEqual({ first: 2 ** 32 - 1, last: 2 ** 32 - 1, prefix: 32 });
  });

  it.each([
    '10.0.0.256/16',
    '10.0.0.0/33',
    '10.0.0/16',
    '10.0.0.0',
    ' 10.0.0.0/16',
    '10.0.0.0/16 ',
    '10.256.0.0/16',
    '256.0.0.0/8',
    '10.0.0.1/16',
    '10.0.0.0/1a',
  ])('rejects %j', (cidr) => expect(parseCidr(cidr)).toBeUndefined());
});

describe('isPrivate and overlaps', () => {
  const block = (c: string) => parseCidr(c)!;

  it('knows the RFC 1918 ranges, edges included', () => {
    for (const c of ['10.0.0.0/8', '10.255.0.0/16', '172.16.0.0/12', '172.31.0.0/16', '192.168.0.0/16']) {
      expect(isPrivate(block(c)), c).toBe(true);
    }
    for (const c of [
      '11.0.0.0/16',
      '172.32.0.0/16',
      '172.15.0.0/16',
      '192.169.0.0/16',
      '0.0.0.0/0',
      '8.0.0.0/7',
    ]) {
      expect(isPrivate(block(c)), c).toBe(false);
    }
  });

  it('finds overlaps in both directions, touching blocks included, adjacent ones not', () => {
    expect(overlaps(block('10.0.0.0/16'), block('10.0.255.0/24'))).toBe(true);
    expect(overlaps(block('10.0.255.0/24'), block('10.0.0.0/16'))).toBe(true);
    expect(overlaps(block('10.0.0.0/16'), block('10.1.0.0/16'))).toBe(false);
    expect(overlaps(block('10.1.0.0/16'), block('10.0.0.0/16'))).toBe(false);
    expect(overlaps(block('10.0.0.0/32'), block('10.0.0.0/32'))).toBe(true);
  });
});

describe('durations', () => {
  it('reads s, m and h as seconds', () => {
    expect(durationSchema.parse('90s')).toBe(90);
    expect(durationSchema.parse('30m')).toBe(1800);
    expect(durationSchema.parse('2h')).toBe(7200);
    expect(durationSchema.parse('10h')).toBe(36_000);
  });

  it.each(['0s', '05m', '1.5h', '1d', ' 1h', '1h ', 'h', '-1m'])(
    'rejects %j, saying how to write one',
    (value) => {
      expect(messages(durationSchema, value)).toEqual([
        `: "${value}" is not a duration: write a positive whole number with s, m or h, e.g. "30m"`,
      ]);
    },
  );

  it('writes seconds back in the largest whole unit', () => {
    expect(formatDuration(7200)).toBe('2h');
    expect(formatDuration(5400)).toBe('90m');
    expect(formatDuration(90)).toBe('90s');
    expect(formatDuration(60)).toBe('1m');
  });
});

describe('Fargate sizes', () => {
  it('lists AWS’s table', () => {
    expect(FARGATE_SIZES[256]).toEqual([512, 1024, 2048]);
    expect(FARGATE_SIZES[512]).toEqual([1024, 2048, 3072, 4096]);
    expect(FARGATE_SIZES[4096]![0]).toBe(8192);
    expect(FARGATE_SIZES[4096]!.at(-1)).toBe(30720);
    expect(FARGATE_SIZES[8192]).toHaveLength(12);
    expect(FARGATE_SIZES[16384]).toHaveLength(12);
  });

  it('accepts a valid pair and explains an invalid one with the range and step', () => {
    expect(fargateSizeProblem(1024, 8192)).toBeUndefined();
    expect(fargateSizeProblem(1024, 1024)).toBe(
      'memory 1024 MiB does not fit cpu 1024 on Fargate: use 2048-8192 MiB in steps of 1024',
    );
    expect(fargateSizeProblem(8192, 20000)).toBe(
      'memory 20000 MiB does not fit cpu 8192 on Fargate: use 16384-61440 MiB in steps of 4096',
    );
    expect(fargateSizeProblem(300, 512)).toBe(
      'cpu 300 is not a Fargate size: use one of 256, 512, 1024, 2048, 4096, 8192, 16384 (1024 = 1 vCPU)',
    );
  });
});

describe('isIanaTimeZone', () => {
  it.each(['UTC', 'Asia/Tokyo', 'America/Argentina/Buenos_Aires', 'Etc/GMT+9', 'America/Port-au-Prince'])(
    'accepts %s',
    (zone) => expect(isIanaTimeZone(zone)).toBe(true),
  );
  it.each([
    'america/Argentina/Buenos_Aires',
    'JST',
    'utc',
    'asia/Tokyo',
    'Asia/Osaka',
    'Asia/',
    'xAsia/Tokyo!',
    'GMT',
    'Tokyo',
  ])('rejects %s', (zone) => expect(isIanaTimeZone(zone)).toBe(false));
});

describe('resourceName', () => {
  it('accepts a 40-character name and two-character names', () => {
    expect(resourceName.parse('a'.repeat(40))).toBe('a'.repeat(40));
    expect(resourceName.parse('a1')).toBe('a1');
    expect(resourceName.parse('a-b')).toBe('a-b');
  });
  it.each([
    ['1job', 'must be lowercase letters'],
    ['job-', 'must be lowercase letters'],
    ['a', 'must be lowercase letters'],
    ['job!x', 'must be lowercase letters'],
    ['a--b', 'must not contain "--"'],
  ])('rejects %j', (name, message) => {
    expect(messages(resourceName, name).join('\n')).toContain(message);
  });
  it('names the rejected value', () => {
    expect(messages(resourceName, 'Job')).toEqual([
      ': "Job" must be lowercase letters, digits and "-", starting with a letter and not ending with "-"',
    ]);
  });
});

describe('imageSchema', () => {
  it('takes a folder with a Dockerfile, or an ECR repository with latest as the default tag', () => {
    expect(imageSchema.parse({ directory: 'batch-job' })).toEqual({ directory: 'batch-job' });
    const arn = 'arn:aws:ecr:ap-northeast-1:123456789012:repository/team/reports';
    expect(imageSchema.parse({ ecrRepository: arn })).toEqual({ ecrRepository: arn, tag: 'latest' });
    expect(imageSchema.parse({ ecrRepository: arn, tag: 'v1' })).toEqual({ ecrRepository: arn, tag: 'v1' });
  });

  it('names the folders that exist when one has no Dockerfile', () => {
    expect(messages(imageSchema, { directory: 'nope' })).toEqual([
      `directory: containers/nope has no Dockerfile: use an existing folder (${fs.readdirSync(CONTAINERS_DIR).join(', ')}) or add one`,
    ]);
  });

  it('refuses a folder that exists but has no Dockerfile, and lists only folders that have one', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'containers-'));
    try {
      for (const folder of ['job-image', 'notes', 'worker-image']) fs.mkdirSync(path.join(dir, folder));
      fs.writeFileSync(path.join(dir, 'job-image', 'Dockerfile'), 'FROM scratch\n');
      fs.writeFileSync(path.join(dir, 'worker-image', 'Dockerfile'), 'FROM scratch\n');
      fs.writeFileSync(path.join(dir, 'notes', 'README.md'), 'not an image\n');
      const schema = imageSchemaIn(dir);
      expect(schema.parse({ directory: 'job-image' })).toEqual({ directory: 'job-image' });
      expect(messages(schema, { directory: 'notes' })).toEqual([
        'directory: containers/notes has no Dockerfile: use an existing folder (job-image, worker-image) or add one',
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes images from other partitions', () => {
    const arn = 'arn:aws-cn:ecr:cn-north-1:123456789012:repository/reports';
    expect(imageSchema.parse({ ecrRepository: arn })).toEqual({ ecrRepository: arn, tag: 'latest' });
  });

  it.each([
    [{ directory: '../batch-job' }, 'must be the name of a folder under containers/'],
    [{ directory: 'batch-job/../batch-job' }, 'must be the name of a folder under containers/'],
    [{ directory: 'Batch' }, 'must be the name of a folder under containers/'],
    [{ ecrRepository: 'reports' }, 'must be an ECR repository ARN'],
    [
      { ecrRepository: 'arn:aws:ecr:ap-northeast-1:123456789012:repository/reports x' },
      'must be an ECR repository ARN',
    ],
    [
      { ecrRepository: 'x arn:aws:ecr:ap-northeast-1:123456789012:repository/reports' },
      'must be an ECR repository ARN',
    ],
    [{ ecrRepository: 'arn:aws:ecr:ap-northeast-1:123456789012:repository/reports', tag: '' }, 'tag'],
    [
      'batch-job',
      'must be { directory: "<folder under containers/>" } or { ecrRepository: "<ARN>", tag?: "<tag>" }',
    ],
  ])('rejects %j', (image, message) => {
    expect(messages(imageSchema, image).join('\n')).toContain(message);
  });
});

describe('commands, variables and secrets', () => {
  it('a command is a non-empty list of non-empty arguments', () => {
    expect(commandSchema.parse(['node', 'main.js'])).toEqual(['node', 'main.js']);
    expect(messages(commandSchema, ['node', ''])).toEqual(['1: has an empty argument']);
    expect(messages(commandSchema, 'node main.js')).toEqual([
      ': must be a list of arguments, not one string: ["node","main.js"]',
    ]);
    expect(messages(commandSchema, ' node \t main.js ')).toEqual([
      ': must be a list of arguments, not one string: ["node","main.js"]',
    ]);
    expect(messages(commandSchema, 42)).toEqual([
      ': must be a list, got a number: the program and its arguments, e.g. ["node", "dist/main.js", "report"]',
    ]);
  });

  it('plain variables default to none, need shell-safe names and must not look like secrets', () => {
    expect(envVarsSchema.parse(undefined)).toEqual({});
    expect(envVarsSchema.parse({ _MODE: 'x', REPORT_DAYS: '7' })).toBeDefined();
    expect(messages(envVarsSchema, { '1X': 'a' })).toHaveLength(1);
    expect(messages(envVarsSchema, { 'A-B': 'a' })).toHaveLength(1);
    for (const key of ['DB_PASSWORD', 'client_secret', 'API_KEY', 'APIKEY', 'SSH_PRIVATE_KEY', 'GH_TOKEN']) {
      expect(messages(envVarsSchema, { [key]: 'x' }), key).toEqual([
        `${key}: looks like a secret: move it to "secrets" as a Secrets Manager or SSM reference; plain values end up in the task definition for anyone with ecs:Describe* to read`,
      ]);
    }
  });

  it('secrets are references only', () => {
    expect(secretsSchema.parse(undefined)).toEqual({});
    const refs = {
      A: { secretsManager: 'prod/db', field: 'password' },
      B: { secretsManager: 'prod/db' },
      C: { ssmParameter: '/prod/api-key_v1.2' },
    };
    expect(secretsSchema.parse(refs)).toEqual(refs);
    expect(messages(secretsSchema, { A: { ssmParameter: 'prod/key' } }).join('\n')).toContain(
      'must be an SSM parameter name starting with "/"',
    );
    expect(messages(secretsSchema, { A: { ssmParameter: '/prod/key x' } }).join('\n')).toContain(
      'must be an SSM parameter name',
    );
    expect(messages(secretsSchema, { A: { secretsManager: '' } }).length).toBeGreaterThan(0);
    expect(messages(secretsSchema, { A: { secretsManager: 'x', field: '' } }).length).toBeGreaterThan(0);
    expect(messages(secretsSchema, { 'A-B': { secretsManager: 'x' } })).toHaveLength(1);
  });
});

describe('tooling', () => {
  const tooling = {
    account: '444444444444',
    connectionArn:
      'arn:aws:codeconnections:ap-northeast-1:444444444444:connection/0123abcd-0123-4567-89ab-0123456789ab',
    repository: 'acme/batch-platform',
  };

  it('defaults the region, branch and stages', () => {
    expect(toolingSchema.parse(tooling)).toEqual({
      ...tooling,
      region: 'ap-northeast-1',
      branch: 'main',
      stages: ['staging', 'production'],
    });
    const codestar = tooling.connectionArn.replace('codeconnections', 'codestar-connections');
    const china = tooling.connectionArn.replace('arn:aws:', 'arn:aws-cn:');
    expect(toolingSchema.parse({ ...tooling, connectionArn: china }).connectionArn).toBe(china);
    expect(toolingSchema.parse({ ...tooling, connectionArn: codestar }).connectionArn).toBe(codestar);
  });

  it.each([
    [{ connectionArn: `${tooling.connectionArn}x` }, 'connectionArn: must be the ARN'],
    [{ connectionArn: `x${tooling.connectionArn}` }, 'connectionArn: must be the ARN'],
    [{ repository: 'acme/batch-platform/x' }, 'repository: must be "owner/name" of the GitHub repository'],
    [{ repository: ' acme/batch' }, 'repository: must be "owner/name"'],
    [{ repository: 'acme/batch ' }, 'repository: must be "owner/name"'],
    [{ stages: [] }, 'stages: must name at least one environment to deploy'],
    [{ branch: '' }, 'branch: '],
  ])('rejects %j', (change, message) => {
    expect(messages(toolingSchema, { ...tooling, ...change }).join('\n')).toContain(message);
  });
});

describe('ConfigError', () => {
  it('lists every problem under the file to edit', () => {
    const error = new ConfigError('config/x.ts', ['a: one', 'b: two']);
    expect(error.name).toBe('ConfigError');
    expect(error.file).toBe('config/x.ts');
    expect(error.problems).toEqual(['a: one', 'b: two']);
    expect(error.message).toBe('config/x.ts is invalid:\n  - a: one\n  - b: two');
  });

  it('names the entry, and the field when there is one', () => {
    expect(describeIssue('job', { code: 'custom', path: ['a', 0], message: 'bad', input: 1 })).toBe(
      'job.a.0: bad',
    );
    expect(describeIssue('job', { code: 'custom', path: [], message: 'bad', input: 1 })).toBe('job: bad');
  });

  it('parseOrThrow returns the parsed value or throws every problem', () => {
    expect(parseOrThrow('config/x.ts', 'tooling', durationSchema, '2m')).toBe(120);
    const thrown = (() => {
      try {
        parseOrThrow('config/x.ts', 'tooling', toolingSchema, {});
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('accepted');
    })();
    expect(thrown).toBeInstanceOf(ConfigError);
    expect(thrown.file).toBe('config/x.ts');
    expect(thrown.problems).toEqual([
      'tooling.account: is required: set the 12-digit AWS account id this environment deploys to',
      expect.stringMatching(/^tooling\.connectionArn: /),
      expect.stringMatching(/^tooling\.repository: /),
    ]);
    expect(problemsOf(() => parseOrThrow('f', 'e', toolingSchema, null))).toEqual([
      'e: must be an object, got null',
    ]);
  });
});
