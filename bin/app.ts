#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { buildApp } from '../lib/stages/create-app';
import { synthOrExplain } from '../lib/stages/synth-or-explain';

process.exitCode = synthOrExplain(() => {
  // Synthesized by synthOrExplain, so nothing is synthesized after an invalid config.
  const app = new App({ autoSynth: false });
  return { app, configs: buildApp(app) };
});
