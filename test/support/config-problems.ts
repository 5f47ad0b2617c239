import { ConfigError } from '../../lib/config';

/** The problems of the ConfigError `load` throws; fails the test if it accepts the config. */
export function problemsOf(load: () => unknown): string[] {
  try {
    load();
  } catch (e) {
    if (e instanceof ConfigError) return [...e.problems];
    throw e;
  }
  throw new Error('expected a ConfigError, but the config was accepted');
}
