/**
 * Where the time of one `cdk synth` goes: CDK's performance counters (written by the app to
 * `<outdir>/performance-counters.json` when run with `-c @aws-cdk/core.slowSynthThreshold=0`)
 * joined with the process times bench/probe.mjs records.
 */

/** `{ name: total ms, 'name(cnt)': calls }`, as aws-cdk-lib writes them. */
export type Counters = Readonly<Record<string, number>>;

export function parseCounters(text: string): Counters {
  const parsed = JSON.parse(text) as { counters?: unknown };
  const counters = parsed.counters;
  if (typeof counters !== 'object' || counters === null) {
    throw new Error('performance-counters.json has no "counters" object');
  }
  return Object.fromEntries(
    Object.entries(counters).filter((entry): entry is [string, number] => typeof entry[1] === 'number'),
  );
}

/** One line of bench/probe.mjs: one Node process of a measured synth. */
export interface ProcessRecord {
  readonly pid: number;
  /** `process.argv[1]`: the script the process runs. */
  readonly script: string;
  /** Epoch ms: process start (`performance.timeOrigin`) and exit. */
  readonly startMs: number;
  readonly exitMs: number;
  readonly maxRssKiB: number;
}

export function parseProbeRecords(text: string): ProcessRecord[] {
  return text
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => JSON.parse(line) as ProcessRecord);
}

export interface SynthProcesses {
  /** The cdk CLI (`npx cdk` runs node_modules/.bin/cdk). */
  readonly cli?: ProcessRecord;
  /** The app the CLI spawns. */
  readonly app?: ProcessRecord;
}

const CLI_SCRIPT = /(?:^|[/\\])(?:\.bin[/\\]cdk|aws-cdk[/\\]bin[/\\]cdk)$/;

/** Picks the CLI and the app (whose script is `appScript`, an absolute path) from the records. */
export function findProcesses(records: readonly ProcessRecord[], appScript: string): SynthProcesses {
  return {
    cli: records.find((r) => CLI_SCRIPT.test(r.script)),
    app: records.find((r) => r.script === appScript),
  };
}

/** One phase of a synth, as the report shows it: `depth` indents it under the one above. */
export interface PhaseRow {
  readonly key: string;
  readonly label: string;
  readonly depth: number;
}

const BUILTIN_VALIDATION = 'plugin:CloudFormation Validate';

/**
 * The phases, in the order they happen. Validation plugins other than the built-in one are
 * added by name under `validation` (see `phaseRows`).
 */
const FIXED_PHASES: readonly PhaseRow[] = [
  { key: 'start', label: 'spawn -> app process start', depth: 0 },
  { key: 'start.npx', label: 'npx -> CLI process', depth: 1 },
  { key: 'start.cli', label: 'CLI -> app process', depth: 1 },
  { key: 'load', label: 'app: load (tsx, imports)', depth: 0 },
  { key: 'construction', label: 'app: construction', depth: 0 },
  { key: 'bundling', label: 'Lambda bundling', depth: 1 },
  { key: 'synthesis', label: 'app: synthesis', depth: 0 },
  { key: 'validation', label: 'validation', depth: 1 },
  { key: 'cfn.engine', label: 'CFN validation: engine start', depth: 2 },
  { key: 'cfn.templates', label: 'CFN validation: templates', depth: 2 },
  { key: 'validation.other', label: 'other (annotations, report)', depth: 2 },
  { key: 'exit', label: 'app: synthesis -> exit event', depth: 0 },
  // After its 'exit' event a process still tears down (the peer's app takes ~1 s here).
  { key: 'end', label: 'app teardown, CLI after app', depth: 0 },
];

/** The rows of the phase table for these phase keys: fixed phases, then plugins by name. */
export function phaseRows(keys: Iterable<string>): PhaseRow[] {
  const plugins = [...new Set(keys)]
    .filter((k) => k.startsWith('plugin:') && k !== BUILTIN_VALIDATION)
    .sort()
    .map((key) => ({ key, label: key.slice('plugin:'.length), depth: 2 }));
  const at = FIXED_PHASES.findIndex((p) => p.key === 'validation.other');
  return [...FIXED_PHASES.slice(0, at), ...plugins, ...FIXED_PHASES.slice(at)];
}

/**
 * The phases of one run, in ms. `spawnMs`/`endMs` are when the bench started `npx cdk synth`
 * and saw it exit (epoch ms). A phase missing from the result could not be measured (e.g. no
 * probe record, or no validation plugin timed).
 */
export function phasesOf(
  counters: Counters,
  processes: SynthProcesses,
  spawnMs: number,
  endMs: number,
): Record<string, number> {
  const phases: Record<string, number> = {};
  const set = (key: string, value: number | undefined) => {
    if (value !== undefined && Number.isFinite(value)) phases[key] = value;
  };
  const { cli, app } = processes;
  const load = counters['phase:Load'];
  const construction = counters['phase:Construction'];
  const synthesis = counters['phase:Synthesis'];

  set('start', app && app.startMs - spawnMs);
  set('start.npx', cli && cli.startMs - spawnMs);
  set('start.cli', cli && app && app.startMs - cli.startMs);
  set('load', load);
  set('construction', construction);
  set(
    'bundling',
    Object.entries(counters)
      .filter(([k]) => k.startsWith('bundle:') && !k.endsWith('(cnt)'))
      .reduce((sum, [, ms]) => sum + ms, 0),
  );
  set('synthesis', synthesis);

  const validation = counters['validateTemplates'];
  set('validation', validation);
  const templates = counters['CloudFormationValidate.validate'];
  const builtin = counters[BUILTIN_VALIDATION];
  set('cfn.templates', templates);
  set('cfn.engine', builtin !== undefined ? builtin - (templates ?? 0) : undefined);
  const plugins = Object.entries(counters).filter(
    ([k]) => k.startsWith('plugin:') && !k.endsWith('(cnt)') && k !== BUILTIN_VALIDATION,
  );
  for (const [key, ms] of plugins) set(key, ms);
  if (validation !== undefined && builtin !== undefined) {
    set('validation.other', validation - builtin - plugins.reduce((sum, [, ms]) => sum + ms, 0));
  }

  if (app && load !== undefined && construction !== undefined && synthesis !== undefined) {
    set('exit', app.exitMs - (app.startMs + load + construction + synthesis));
  }
  set('end', app && endMs - app.exitMs);
  return phases;
}
