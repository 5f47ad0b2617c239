#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { createApp } from '../lib/stages/create-app';

createApp(new App());
