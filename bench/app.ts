#!/usr/bin/env node
/**
 * The app `npm run bench` synthesizes: bin/app.ts with config/schedules.ts replaced by N
 * generated jobs (`-c bench:jobs=<n>`) and config/access.ts by the profiles they name. Everything else is the real path: the same config
 * validation, `createApp` wiring, cdk-nag, template limits, Lambda bundling and CDK's
 * built-in CloudFormation validation (the Control Tower checks only with
 * `-c batch-platform:controlTower=true`, as in a plain `cdk synth`).
 *
 *   npx cdk synth -q -a 'node --import tsx bench/app.ts' -c bench:jobs=300
 */
import { App } from 'aws-cdk-lib';
import { configFiles, loadConfig } from '../lib/config';
import { createApp, environmentName } from '../lib/stages/create-app';
import { benchJobCount, generatedJobs, generatedProfiles } from './generated-jobs';

const app = new App();
const schedules = generatedJobs(benchJobCount(app));
createApp(app, loadConfig(environmentName(app), { ...configFiles, schedules, access: generatedProfiles() }));
