#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { buildApp } from '../lib/stages/create-app';

buildApp(new App());
