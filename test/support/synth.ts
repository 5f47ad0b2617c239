import * as fs from 'node:fs';
import { Template } from 'aws-cdk-lib/assertions';
import { inject } from 'vitest';
import { resultFile, type ConfigurationName, type SynthesisResult } from './synth-result';

export interface Synthesized extends SynthesisResult {
  /** Template of each stack by construct path (`Network`; `staging/Network` in a pipeline stage). */
  readonly templates: Readonly<Record<string, Template>>;
  /** The stack at `stackPath`; fails the test when there is none. */
  template(stackPath: string): Template;
}

const cache = new Map<ConfigurationName, Synthesized>();

/**
 * Configuration `name` as the global setup synthesized it (test/support/global-synth.ts):
 * the same app `cdk synth` builds, with cdk-nag, cfn-guard and CDK's built-in CloudFormation
 * validation, read once per test file.
 */
export function synthesized(name: ConfigurationName): Synthesized {
  const cached = cache.get(name);
  if (cached) return cached;
  const dir = inject('synthDir');
  if (!dir) {
    throw new Error(
      'no shared synthesis: this file reads synthesized templates, so it must belong to the "synth" project in vitest.config.mts',
    );
  }
  const result = JSON.parse(fs.readFileSync(resultFile(dir, name), 'utf8')) as SynthesisResult;
  const templates: Record<string, Template> = {};
  for (const stack of result.stacks) {
    let template: Template | undefined;
    Object.defineProperty(templates, stack.path, {
      enumerable: true,
      get: () => (template ??= Template.fromJSON(stack.template)),
    });
  }
  const synth: Synthesized = {
    ...result,
    templates,
    template(stackPath: string) {
      const template = templates[stackPath];
      if (!template) {
        throw new Error(`${name} has no stack ${stackPath}; it has ${Object.keys(templates).join(', ')}`);
      }
      return template;
    },
  };
  cache.set(name, synth);
  return synth;
}
