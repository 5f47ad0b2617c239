import type { ConfigSources } from '../../lib/config';

/** A config source that fails any test reading it: for paths (help, usage) that must not load config. */
export function untouchableConfig(): ConfigSources {
  return new Proxy({} as ConfigSources, {
    get: (_target, property) => {
      throw new Error(`this path must not read config (it read ${String(property)})`);
    },
  });
}
