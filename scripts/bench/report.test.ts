import { describe, expect, it } from 'vitest';
import type { AssemblySizes } from './assembly';
import type { BenchApp } from './plan';
import { formatReport, summarize } from './report';
import type { Measurement } from './synth';

function assembly(resources: number, largest = 300, bytes = 200_000): AssemblySizes {
  return {
    stacks: 5,
    resources,
    roles: Math.round(resources / 10),
    largestByResources: { stack: 'Jobs0', resources: largest, bytes },
    largestByBytes: { stack: 'Jobs0', resources: largest, bytes },
    bundles: { 'JobRunner/Runner/Lease/Function': 51_234 },
  };
}

function run(
  app: BenchApp,
  jobs: number,
  round: number,
  wallMs: number,
  extra: Partial<Measurement> = {},
): Measurement {
  return {
    app,
    jobs,
    round,
    baseline: false,
    wallMs,
    phases: { load: 900 + round, synthesis: wallMs / 2 },
    constructs: 565,
    rssKiB: { app: 512_000 + round * 1024, cli: 225_000 },
    assembly: assembly(app === 'ours' ? 100 + 2 * jobs : 40 + 9 * jobs),
    ...extra,
  };
}

const measurements: Measurement[] = [
  { ...run('ours', 0, 0, 9000), baseline: true },
  { ...run('peer', 0, 0, 4000), baseline: true },
  // Round 1 ran while the machine was busy: every run of it slow.
  ...[0, 1, 2].flatMap((round) => {
    const busy = round === 1 ? 2 : 1;
    return [
      run('ours', 30, round, 10_000 * busy),
      run('peer', 30, round, 5_000 * busy),
      run('peer+nag', 30, round, 8_000 * busy),
      run('ours', 1000, round, 25_000 * busy, { assembly: assembly(2100, 305, 640_000) }),
    ];
  }),
];

describe('summarize', () => {
  const rows = summarize(measurements, 30);
  const row = (app: BenchApp, jobs: number) => rows.find((r) => r.app === app && r.jobs === jobs)!;

  it('gives one row per app and job count, by job count then app, baselines left out', () => {
    expect(rows.map((r) => `${r.app}@${r.jobs}`)).toEqual(['ours@30', 'peer@30', 'peer+nag@30', 'ours@1000']);
    expect(rows.every((r) => r.runs === 3)).toBe(true);
  });

  it('spreads wall time and takes the median of each phase and of peak RSS', () => {
    expect(row('ours', 30).wallMs).toEqual({
      min: 10_000,
      median: 10_000,
      max: 20_000,
      all: [10_000, 20_000, 10_000],
    });
    expect(row('ours', 30).phasesMs).toEqual({ load: 901, synthesis: 5000 });
    expect(row('ours', 30).peakRssMiB).toEqual({
      app: { min: 500, median: 501, max: 502 },
      cli: { min: 220, median: 220, max: 220 },
    });
  });

  it('compares ours with the peer round by round, and larger counts with ours at the compared count', () => {
    expect(row('ours', 30).vs).toEqual({
      'peer@30': { medianOfRatios: 2, ratioOfMedians: 2 },
      'peer+nag@30': { medianOfRatios: 1.25, ratioOfMedians: 1.25 },
    });
    expect(row('ours', 1000).vs).toEqual({ 'ours@30': { ratioOfMedians: 2.5 } });
    expect(row('peer', 30).vs).toEqual({});
  });

  it("counts resources per job above the same app's 0-job synth (the peer's for peer+nag)", () => {
    expect(row('ours', 1000).resourcesPerJob).toBe(2);
    expect(row('peer+nag', 30).resourcesPerJob).toBe(9);
  });

  it('checks the largest template against both CloudFormation limits', () => {
    expect(row('ours', 1000).withinLimits).toBe(true);
    const big = summarize([run('ours', 30, 0, 1, { assembly: assembly(600, 501) })], 0);
    expect(big[0]!.withinLimits).toBe(false);
    const heavy = summarize([run('ours', 30, 0, 1, { assembly: assembly(600, 300, 1_000_001) })], 0);
    expect(heavy[0]!.withinLimits).toBe(false);
  });

  it('leaves resources per job out without a 0-job synth to count from', () => {
    expect(summarize([run('ours', 30, 0, 1)], 0)[0]!.resourcesPerJob).toBeUndefined();
  });
});

describe('formatReport', () => {
  const text = formatReport(summarize(measurements, 30)).join('\n');

  it('states each ratio in words', () => {
    expect(text).toContain('  ours / peer at 30 jobs: 2.00 median of pairwise ratios, 2.00 ratio of medians');
    expect(text).toContain('  ours at 1000 / ours at 30 jobs: 2.50 ratio of medians');
  });

  it('tabulates wall time in seconds with RSS in MiB', () => {
    expect(text).toMatch(/^ours +30 +3 +10\.00 +10\.00 +20\.00 +501 +220$/m);
  });

  it('lists phases in seconds, one column per row, indented under their parent phase', () => {
    expect(text).toMatch(/^phase +ours 30 +peer 30 +peer\+nag 30 +ours 1000$/m);
    expect(text).toMatch(/^app: synthesis +5\.00 +2\.50 +4\.00 +12\.50$/m);
    expect(text).toMatch(/^wall +10\.00 +5\.00 +8\.00 +25\.00$/m);
  });

  it('shows the templates once for the peer with and without cdk-nag, with its IAM roles', () => {
    expect(text).toMatch(/^peer, peer\+nag +30 +5 +310 +9\.00 +31 +300 Jobs0 +200000 Jobs0 +565 +yes$/m);
    expect(text).not.toMatch(/^peer\+nag +30 +5 /m);
  });

  it("lists ours' Lambda bundles", () => {
    expect(text).toMatch(/^JobRunner\/Runner\/Lease\/Function +51234$/m);
  });
});
