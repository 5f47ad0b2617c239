import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { configFiles, loadConfig } from '../../lib/config';
import { closestMatch, editDistance, fieldsAt, unknownFieldMessage } from '../../lib/config/did-you-mean';
import { problemsOf } from '../support/config-problems';
import { jobInput } from '../support/fixtures';

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['', 'abc', 3],
    ['abc', '', 3],
    ['timeout', 'timeout', 0],
    ['disabledReson', 'disabledReason', 1], // one letter left out
    ['timeoutt', 'timeout', 1], // one too many
    ['cpo', 'cpu', 1], // one wrong
    ['timoeut', 'timeout', 1], // two neighbours swapped
    ['ab', 'ba', 1],
    ['abc', 'cab', 2],
    ['kitten', 'sitting', 3],
    ['owner', 'memory', 5],
    ['ca', 'abc', 3], // optimal string alignment: a swapped pair is not edited again
  ])('%j -> %j is %i', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });
});

describe('closestMatch', () => {
  const fields = ['name', 'timeout', 'retries', 'disabledReason', 'disabledUntil', 'cpu', 'memory'];

  it.each([
    ['disabledReson', 'disabledReason'],
    ['DisabledReason', 'disabledReason'], // case is not a typo worth a list
    ['timout', 'timeout'],
    ['retry', 'retries'], // the singular
    ['memo', 'memory'], // cut short: four letters are enough for the stem
    ['cpus', 'cpu'],
    ['disabledUntill', 'disabledUntil'],
  ])('takes %j for %j', (word, match) => {
    expect(closestMatch(word, fields)).toBe(match);
  });

  it.each(['owner', 'image', 'x', 'schedule', 'ret'])('finds nothing close to %j', (word) => {
    expect(closestMatch(word, fields)).toBeUndefined();
  });

  it('prefers the closest of several candidates within reach', () => {
    expect(closestMatch('abcdefx', ['abxdxfx', 'abcdefg'])).toBe('abcdefg');
    expect(closestMatch('abcdefx', ['abcdefg', 'abxdxfx'])).toBe('abcdefg');
  });

  it('allows one edit per three letters', () => {
    expect(closestMatch('abcdef', ['abxdey'])).toBe('abxdey');
    expect(closestMatch('abcde', ['abxdy'])).toBeUndefined();
    expect(closestMatch('ab', ['xb'])).toBe('xb');
  });
});

describe('fieldsAt', () => {
  const schema = z
    .strictObject({
      name: z.string().transform((s) => s.trim()),
      image: z
        .union([
          z.strictObject({ directory: z.string() }),
          z.strictObject({ repo: z.string(), tag: z.string() }),
        ])
        .default({ directory: 'x' }),
      scaling: z.strictObject({ min: z.int(), max: z.int() }).optional(),
      steps: z.array(z.strictObject({ run: z.string() })),
      secrets: z.record(z.string(), z.strictObject({ arn: z.string() })),
    })
    .superRefine(() => undefined);

  it.each([
    [[], ['name', 'image', 'scaling', 'steps', 'secrets']],
    [['image'], ['directory', 'repo', 'tag']],
    [['scaling'], ['min', 'max']],
    [['steps', 0], ['run']],
    [['secrets', 'TOKEN'], ['arn']],
    [['steps'], []],
    [['secrets'], []],
    [['name'], []],
    [['nope'], []],
  ] as const)('at %j lists %j', (path, fields) => {
    expect(fieldsAt(schema, path)).toEqual(fields);
  });

  it('reaches through a transform into the object it parses', () => {
    expect(
      fieldsAt(
        z.strictObject({ a: z.string() }).transform((o) => o.a),
        [],
      ),
    ).toEqual(['a']);
  });
});

describe('unknownFieldMessage', () => {
  it('suggests the likely field, or lists them all', () => {
    expect(unknownFieldMessage('timout', ['timeout', 'cpu'])).toBe(
      'is not a known field: did you mean "timeout"?',
    );
    expect(unknownFieldMessage('zzz', ['timeout', 'cpu'])).toBe(
      'is not a known field: use one of timeout, cpu',
    );
  });
});

describe('an unknown key in config files', () => {
  const jobProblems = (job: object) =>
    problemsOf(() => loadConfig('sandbox', { ...configFiles, schedules: [{ ...jobInput, ...job }] }));

  it('is named with the field it was probably meant to be', () => {
    expect(jobProblems({ enabled: false, disabledReason: 'x', disabledReson: 'y' })).toEqual([
      'nightly-report.disabledReson: is not a known field: did you mean "disabledReason"?',
    ]);
  });

  it('is named with each of several unknown keys', () => {
    expect(jobProblems({ timout: '1m', owners: 'sre' })).toEqual([
      'nightly-report.timout: is not a known field: did you mean "timeout"?',
      'nightly-report.owners: is not a known field: did you mean "owner"?',
    ]);
  });

  it('may be meant as overrides, which the entry itself has', () => {
    expect(jobProblems({ override: {} })).toEqual([
      'nightly-report.override: is not a known field: did you mean "overrides"?',
    ]);
  });

  it('inside an override or a nested object, gets its own fields', () => {
    expect(jobProblems({ overrides: { staging: { enabeld: false } } })).toEqual([
      'nightly-report.overrides.staging.enabeld: is not a known field: did you mean "enabled"?',
    ]);
    expect(
      jobProblems({
        image: { ecrRepository: 'arn:aws:ecr:ap-northeast-1:123456789012:repository/r', tg: 'v1' },
      }),
    ).toEqual(['nightly-report.image.tg: is not a known field: did you mean "tag"?']);
  });

  it('with nothing close lists the fields allowed where it is, overrides only on the entry', () => {
    expect(jobProblems({ zzz: 1 })[0]).toMatch(
      /^nightly-report\.zzz: is not a known field: use one of name, .*, disabledUntil, overrides$/,
    );
    expect(jobProblems({ image: { directory: 'batch-job', zzz: 1 } })).toEqual([
      'nightly-report.image.zzz: is not a known field: use one of directory, ecrRepository, tag',
    ]);
    const environments = {
      ...configFiles.environments,
      sandbox: { ...(configFiles.environments['sandbox'] as object), zzz: 1 },
    };
    expect(problemsOf(() => loadConfig('sandbox', { ...configFiles, environments }))).toEqual([
      'sandbox.zzz: is not a known field: use one of account, region, availabilityZones, vpcCidr, natGateways, logRetentionDays, defaultTimezone, notify, alarmEmails, fargateVcpuQuota, retainData, review',
    ]);
  });

  it('in an environment or in tooling, gets their fields', () => {
    const environments = {
      ...configFiles.environments,
      sandbox: { ...(configFiles.environments['sandbox'] as object), natGateway: 1 },
    };
    expect(problemsOf(() => loadConfig('sandbox', { ...configFiles, environments }))).toEqual([
      'sandbox.natGateway: is not a known field: did you mean "natGateways"?',
    ]);
    const tooling = { ...(configFiles.tooling as object), stage: ['staging'] };
    expect(problemsOf(() => loadConfig('sandbox', { ...configFiles, tooling }))).toEqual([
      'tooling.stage: is not a known field: did you mean "stages"?',
    ]);
  });
});
