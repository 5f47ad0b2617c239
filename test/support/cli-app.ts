/**
 * bin/app.ts with its config injected, for tests that run the real `cdk synth` in a child
 * process against a bad config. It starts from the fixture config (test/fixtures/config), never
 * from config/, so an operator's edit cannot change what these tests see. BATCH_PLATFORM_TEST_CONFIG
 * holds JSON: `sources` replaces parts of the fixture (validated as usual); `unchecked` patches
 * the validated config afterwards, to reach errors only CDK raises.
 */
import { App } from 'aws-cdk-lib';
import { loadConfig, type ConfigSources, type PlatformConfig } from '../../lib/config';
import { createApp, environmentName } from '../../lib/stages/create-app';
import { synthOrExplain } from '../../lib/stages/synth-or-explain';
import { FIXTURE_CONFIG } from '../fixtures/config';

interface Injected {
  readonly sources?: Partial<ConfigSources>;
  readonly unchecked?: Partial<PlatformConfig>;
}

const injected = JSON.parse(process.env['BATCH_PLATFORM_TEST_CONFIG'] ?? '{}') as Injected;

process.exitCode = synthOrExplain(() => {
  // Lambda bundling prints "Bundling asset ..." and takes seconds; these tests are about
  // what the config makes the app print, so skip it (after the CLI's context, which sets it).
  const app = new App({ autoSynth: false, postCliContext: { 'aws:cdk:bundling-stacks': [] } });
  const sources = { ...FIXTURE_CONFIG, ...injected.sources };
  const config = {
    ...loadConfig(environmentName(app, sources), sources),
    ...injected.unchecked,
  };
  return { app, configs: [createApp(app, config).config] };
});
