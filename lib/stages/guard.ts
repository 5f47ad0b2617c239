import * as fs from 'node:fs';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import {
  Validations,
  type IPolicyValidationContext,
  type IPolicyValidationPlugin,
  type PolicyValidationPluginReport,
  type Stage,
} from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** The plugin's name in the validation report, and so the namespace of its rule ids. */
export const GUARD_PLUGIN_NAME = 'cdk-validator-cfnguard';

/**
 * Context that turns the Control Tower checks on at synth: `-c batch-platform:controlTower=true`.
 * A plain `cdk synth` leaves them out (decision D31): they cost more than the rest of synth at
 * scale (11 of 24 s at 1,000 jobs), and what gates a merge or a deploy already runs them —
 * `npm test` checks every environment and the pipeline, and the pipeline's synth sets this.
 */
export const CONTROL_TOWER_CONTEXT = 'batch-platform:controlTower';

/** Whether `scope`'s app asked for the Control Tower checks (`CONTROL_TOWER_CONTEXT`). */
export function controlTowerRequested(scope: IConstruct): boolean {
  const value: unknown = scope.node.tryGetContext(CONTROL_TOWER_CONTEXT);
  return value === true || value === 'true';
}

/**
 * AWS Control Tower proactive controls (cfn-guard), checking exactly the stacks of one Stage.
 *
 * CDK hands a plugin added to a Stage the templates of that Stage and of every Stage nested
 * in it. The pipeline's App and each of its stages both get a plugin (see `checkStage`), so
 * without this filter every stage's findings would be reported twice.
 */
class StageControlTowerChecks implements IPolicyValidationPlugin {
  public readonly name = GUARD_PLUGIN_NAME;
  public readonly version: string | undefined;
  public readonly ruleIds: string[] | undefined;

  constructor(private readonly stage: Stage) {
    const all = new CfnGuardValidator({ controlTowerRulesEnabled: true });
    this.version = all.version;
    this.ruleIds = all.ruleIds;
  }

  validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const outdir = path.resolve(this.stage.outdir);
    const templatePaths = context.templatePaths.filter((t) => path.dirname(path.resolve(t)) === outdir);
    // cfn-guard's cost grows with rules × template size even where a rule matches no resource
    // (a 1,000-job app: 19 s with every applicable rule on every template). So each template
    // gets only the rules for its own resource types, and templates needing the same rules
    // (the job stacks) share one cfn-guard run.
    const groups = new Map<string, GuardGroup>();
    for (const template of templatePaths) {
      const rules = controlTowerRulesFor(resourceTypesOf([template]));
      if (rules.length === 0) continue;
      const key = rules.join('|');
      const group = groups.get(key) ?? { rules, templatePaths: [] };
      group.templatePaths.push(template);
      groups.set(key, group);
    }
    const reports = runGuard([...groups.values()]);
    return { success: reports.every((r) => r.success), violations: reports.flatMap((r) => r.violations) };
  }
}

/** Templates that need the same Control Tower rules, checked in one cfn-guard run. */
interface GuardGroup {
  readonly rules: string[];
  readonly templatePaths: string[];
}

const WORKER = path.join(__dirname, 'guard-worker.cjs');
/** Far longer than any check takes; only a lane that died without a word waits this long. */
const LANE_TIMEOUT_MS = 10 * 60_000;

/**
 * Runs cfn-guard for each group, spread over one worker thread per core. cfn-guard's cost is
 * rules × template bytes, and a 1,000-job app has megabytes of job templates, so one lane per
 * core shortens synth by most of a lane. CDK's plugin interface is synchronous: this thread
 * blocks (Atomics.wait) until every lane has reported, then reads the reports in group order.
 */
function runGuard(groups: readonly GuardGroup[]): PolicyValidationPluginReport[] {
  const lanes = Math.min(availableParallelism(), groups.length);
  if (lanes <= 1) {
    return groups.map(({ rules, templatePaths }) =>
      new CfnGuardValidator({ controlTowerRulesEnabled: false, rules }).validate({
        appConstruct: undefined as never, // the plugin reads only the template paths
        templatePaths,
      }),
    );
  }
  // Heaviest group first, each to the lane with the least work so far.
  const work = (g: GuardGroup) =>
    g.rules.length * g.templatePaths.reduce((n, t) => n + fs.statSync(t).size, 0);
  const order = groups.map((group, index) => ({ index, work: work(group) })).sort((a, b) => b.work - a.work);
  const assigned: number[][] = Array.from({ length: lanes }, () => []);
  const load: number[] = new Array<number>(lanes).fill(0);
  for (const { index, work: w } of order) {
    const lane = load.indexOf(Math.min(...load));
    assigned[lane]!.push(index);
    load[lane]! += w;
  }

  const done = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
  const running = assigned.map((indexes) => {
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(WORKER, {
      workerData: { groups: indexes.map((i) => groups[i]), port: port2, done },
      transferList: [port2],
    });
    return { indexes, port: port1, worker };
  });
  const deadline = Date.now() + LANE_TIMEOUT_MS;
  for (let finished = Atomics.load(done, 0); finished < lanes; finished = Atomics.load(done, 0)) {
    if (Atomics.wait(done, 0, finished, Math.max(0, deadline - Date.now())) === 'timed-out') {
      throw new Error(`Control Tower checks: ${lanes - finished} of ${lanes} cfn-guard lanes gave no answer`);
    }
  }

  const reports = new Array<PolicyValidationPluginReport>(groups.length);
  for (const { indexes, port, worker } of running) {
    const message = receiveMessageOnPort(port)?.message as
      { reports: PolicyValidationPluginReport[] } | { error: string } | undefined;
    port.close();
    void worker.terminate();
    if (!message || 'error' in message) {
      throw new Error(`Control Tower checks failed: ${message?.error ?? 'a cfn-guard lane sent no report'}`);
    }
    indexes.forEach((groupIndex, i) => (reports[groupIndex] = message.reports[i]!));
  }
  return reports;
}

const RULES_DIR = path.join(
  path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json')),
  'rules',
  'control-tower',
);

function resourceTypesOf(templatePaths: readonly string[]): Set<string> {
  const types = new Set<string>();
  for (const file of templatePaths) {
    const template = JSON.parse(fs.readFileSync(file, 'utf8')) as {
      Resources?: Record<string, { Type: string }>;
    };
    for (const resource of Object.values(template.Resources ?? {})) types.add(resource.Type);
  }
  return types;
}

/**
 * The Control Tower rule files that evaluate at least one of `types`, by each rule's metadata
 * (`EvaluatedResourceTypes`). A rule evaluates only resources of its types and skips a
 * template without them, so the result is the same as running all ~240 rules, in a fifth of
 * the time (cfn-guard spends most of it parsing rules). A rule without readable metadata is
 * always run.
 */
export function controlTowerRulesFor(types: ReadonlySet<string>): string[] {
  const guardDir = path.join(RULES_DIR, 'cfn-guard');
  return fs.readdirSync(guardDir).flatMap((service) =>
    fs
      .readdirSync(path.join(guardDir, service))
      .filter((file) => file.endsWith('.guard'))
      .filter((file) => {
        const metadata = path.join(
          RULES_DIR,
          'metadata',
          service,
          file.replace(/\.guard$/, '.metadata.json'),
        );
        try {
          const { EvaluatedResourceTypes } = JSON.parse(fs.readFileSync(metadata, 'utf8')) as {
            EvaluatedResourceTypes?: string[];
          };
          return !EvaluatedResourceTypes?.length || EvaluatedResourceTypes.some((t) => types.has(t));
        } catch {
          return true;
        }
      })
      .map((file) => path.join(guardDir, service, file)),
  );
}

/** Adds the Control Tower proactive controls to `stage`; a finding fails synth. */
export function checkControlTower(stage: Stage): void {
  Validations.of(stage).addPlugins(new StageControlTowerChecks(stage));
}

/**
 * Exempts `scope` (and everything under it) from one Control Tower control, at synth.
 *
 * `rule` is the cfn-guard rule name the report shows (e.g. `sqs_queue_dlq_check`), `reason`
 * what a reviewer can verify. CDK records the acknowledgement in the construct's metadata and
 * lists it as suppressed in the validation report. This does NOT exempt the resource from the
 * same control enforced as a CloudFormation hook by Control Tower (the hook reads no CDK
 * metadata): only exempt what the organisation does not enforce, or has excepted this resource
 * from.
 */
export function exemptGuardRule(scope: IConstruct, rule: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `${GUARD_PLUGIN_NAME}::${rule}`, reason });
}
