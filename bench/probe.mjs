/**
 * Preloaded by `npm run bench` into every Node process of a measured `cdk synth`
 * (NODE_OPTIONS=--import=<this file>): npx, the cdk CLI and the app. Each appends one JSON
 * line to $BENCH_PROBE_FILE at exit: its script, when it started and exited (epoch ms, the
 * clock the bench reads too) and its peak RSS, none of which CDK's counters record.
 *
 * In the app it also times each validation plugin: CDK's counters time all of validation as
 * one `validateTemplates` span, and the built-in CloudFormation validation's own span leaves
 * out starting its engine. This wraps `validate` only (a timer); the app builds the same.
 */
import { appendFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import process from 'node:process';

const file = process.env.BENCH_PROBE_FILE;
// aws-cdk-lib calls this hook from the end of `new App()` (core/lib/app.js).
const APP_INIT_HOOK = Symbol.for('@aws-cdk/core.App#initHook');

if (file) {
  process.on('exit', () => {
    const record = {
      pid: process.pid,
      script: process.argv[1] ?? '',
      startMs: performance.timeOrigin,
      exitMs: performance.timeOrigin + performance.now(),
      maxRssKiB: process.resourceUsage().maxRSS,
    };
    appendFileSync(file, `${JSON.stringify(record)}\n`);
  });
  const previous = globalThis[APP_INIT_HOOK];
  globalThis[APP_INIT_HOOK] = (app) => {
    previous?.(app);
    timeValidationPlugins(app);
  };
}

/**
 * Records `plugin:<name>` in CDK's performance counters for every validation plugin of the
 * App (not of nested Stages: the bench apps put their stacks in the App) and for the
 * built-in CloudFormation validation. The plugins are added after `new App()`, so they are
 * wrapped when synthesis starts.
 */
function timeValidationPlugins(app) {
  // The app's own aws-cdk-lib (same path, so the same module instance and counters).
  const require = createRequire(import.meta.url);
  const { CloudFormationValidatePlugin } = require('aws-cdk-lib');
  const { recordPerformanceEntry } = require('aws-cdk-lib/core/lib/helpers-internal');
  const synth = app.synth;
  app.synth = function (...args) {
    app.synth = synth;
    for (const plugin of [...app._validationPlugins, CloudFormationValidatePlugin._singletonInstance()]) {
      const validate = plugin.validate;
      plugin.validate = function (...validateArgs) {
        const started = performance.now();
        try {
          return validate.apply(this, validateArgs);
        } finally {
          const durationMs = performance.now() - started;
          recordPerformanceEntry(`plugin:${plugin.name}`, { durationMs, telemetry: true });
        }
      };
    }
    return synth.apply(this, args);
  };
}
