import type { PlatformConfig } from './index';

/**
 * Things in a valid config that are probably not what the operator meant. They are printed
 * by `cdk synth` but do not fail it: each names the file, the entry and the field.
 */
export function configWarnings(config: PlatformConfig): string[] {
  void config;
  return [];
}
