import { describe, expect, it } from 'vitest';
import {
  findProcesses,
  parseCounters,
  parseProbeRecords,
  phaseRows,
  phasesOf,
  type ProcessRecord,
} from './phases';

// Trimmed from a real run of `npx cdk synth -c @aws-cdk/core.slowSynthThreshold=0` with
// bench/probe.mjs preloaded.
const COUNTERS = JSON.stringify({
  counters: {
    'phase:Synthesis': 9000,
    'phase:Synthesis(cnt)': 1,
    validateTemplates: 8500,
    'validateTemplates(cnt)': 1,
    'plugin:CloudFormation Validate': 5300,
    'plugin:CloudFormation Validate(cnt)': 1,
    'CloudFormationValidate.validate': 3300,
    'CloudFormationValidate.validate(cnt)': 5,
    'plugin:AwsSolutions': 600,
    'plugin:cdk-validator-cfnguard': 2000,
    'plugin:TemplateLimits': 100,
    'phase:Construction': 1800,
    'bundle:NodejsFunction': 1100,
    'bundle:NodejsFunction(cnt)': 3,
    'phase:Load': 900,
    'count:Constructs': 0,
    'count:Constructs(cnt)': 565,
  },
});

const RECORDS = [
  { pid: 3, script: '/repo/bench/app.ts', startMs: 11_800, exitMs: 23_750, maxRssKiB: 500_000 },
  { pid: 2, script: '/repo/node_modules/.bin/cdk', startMs: 10_500, exitMs: 24_900, maxRssKiB: 225_000 },
  {
    pid: 1,
    script: '/usr/lib/node_modules/npm/bin/npm-cli.js',
    startMs: 10_010,
    exitMs: 24_990,
    maxRssKiB: 80_000,
  },
];
const PROBE = RECORDS.map((r) => JSON.stringify(r)).join('\n') + '\n';

describe('parseCounters', () => {
  it('reads the counters object and keeps only numbers', () => {
    expect(parseCounters('{"counters":{"phase:Load":900,"odd":"x"}}')).toEqual({ 'phase:Load': 900 });
  });

  it('says what is wrong with a file without counters', () => {
    expect(() => parseCounters('{}')).toThrow('performance-counters.json has no "counters" object');
  });
});

describe('findProcesses', () => {
  it('finds the CLI by its script and the app by its entry point', () => {
    const { cli, app } = findProcesses(parseProbeRecords(PROBE), '/repo/bench/app.ts');
    expect(cli?.pid).toBe(2);
    expect(app?.pid).toBe(3);
  });

  it('finds the CLI when npm runs it from aws-cdk/bin', () => {
    const record: ProcessRecord = { ...RECORDS[1]!, script: '/repo/node_modules/aws-cdk/bin/cdk' };
    expect(findProcesses([record], '/repo/bench/app.ts')).toEqual({ cli: record, app: undefined });
  });
});

describe('phasesOf', () => {
  const phases = phasesOf(
    parseCounters(COUNTERS),
    findProcesses(parseProbeRecords(PROBE), '/repo/bench/app.ts'),
    10_000,
    25_000,
  );

  it('splits the start into npx and the CLI', () => {
    expect(phases).toMatchObject({ start: 1800, 'start.npx': 500, 'start.cli': 1300 });
  });

  it("takes the app's phases and bundling from CDK's counters", () => {
    expect(phases).toMatchObject({ load: 900, construction: 1800, bundling: 1100, synthesis: 9000 });
  });

  it("splits validation into the built-in engine's start, its templates, each plugin and the rest", () => {
    expect(phases).toMatchObject({
      validation: 8500,
      'cfn.engine': 2000,
      'cfn.templates': 3300,
      'plugin:AwsSolutions': 600,
      'plugin:cdk-validator-cfnguard': 2000,
      'plugin:TemplateLimits': 100,
      'validation.other': 8500 - 5300 - 600 - 2000 - 100,
    });
  });

  it('times what follows synthesis: the app exiting, then the CLI', () => {
    // app: 11_800 + 900 + 1800 + 9000 = 23_500 at the end of synthesis, exits at 23_750.
    expect(phases).toMatchObject({ exit: 250, end: 1250 });
  });

  it('leaves out what it cannot measure rather than guessing', () => {
    const bare = phasesOf({ 'phase:Load': 900, 'CloudFormationValidate.validate': 3300 }, {}, 0, 1);
    expect(bare).toEqual({ load: 900, bundling: 0, 'cfn.templates': 3300 });
  });
});

describe('phaseRows', () => {
  it('lists the plugins by name under validation, before the rest of it', () => {
    const rows = phaseRows([
      'plugin:TemplateLimits',
      'plugin:AwsSolutions',
      'plugin:CloudFormation Validate',
    ]);
    const labels = rows.map((r) => r.label);
    const at = labels.indexOf('CFN validation: templates');
    expect(labels.slice(at + 1, at + 4)).toEqual([
      'AwsSolutions',
      'TemplateLimits',
      'other (annotations, report)',
    ]);
    expect(rows.filter((r) => r.key === 'plugin:CloudFormation Validate')).toEqual([]);
  });
});
