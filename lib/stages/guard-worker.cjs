// @ts-check
/**
 * One lane of the Control Tower checks (lib/stages/guard.ts): runs cfn-guard for each group
 * of templates it is given, one after another, and hands the reports back to the synth thread,
 * which waits for every lane. Plain CommonJS, so it loads the same in `cdk synth`, the tests
 * and any other runner, with no TypeScript loader in the thread.
 */
const { workerData } = require('node:worker_threads');

/** @type {{ groups: { rules: string[]; templatePaths: string[] }[]; port: import('node:worker_threads').MessagePort; done: Int32Array }} */
const { groups, port, done } = workerData;
try {
  const { CfnGuardValidator } = require('@cdklabs/cdk-validator-cfnguard');
  const reports = groups.map(({ rules, templatePaths }) =>
    new CfnGuardValidator({ controlTowerRulesEnabled: false, rules }).validate({
      // The plugin reads only the template paths; the app stays in the synth thread.
      appConstruct: /** @type {never} */ (undefined),
      templatePaths,
    }),
  );
  port.postMessage({ reports });
} catch (error) {
  port.postMessage({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
} finally {
  // Whatever happened, the synth thread must wake up: it is blocked until every lane counts.
  Atomics.add(done, 0, 1);
  Atomics.notify(done, 0);
}
