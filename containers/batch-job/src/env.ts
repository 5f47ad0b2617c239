import { UsageError } from './errors';

export type Env = Readonly<Record<string, string | undefined>>;

/** A required variable; its absence is a configuration error (exit 2) that names it. */
export function requireEnv(env: Env, name: string, what: string): string {
  const value = env[name]?.trim();
  if (!value) {
    throw new UsageError(
      `environment variable ${name} is not set: it must hold ${what} (set it in the job's environment or secrets in config/schedules.ts)`,
    );
  }
  return value;
}

/** A required http(s) URL. The value is not echoed: some URLs (Slack webhooks) are secrets. */
export function requireUrlEnv(env: Env, name: string, what: string): URL {
  const value = requireEnv(env, name, what);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`environment variable ${name} is not a URL: it must hold ${what}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UsageError(
      `environment variable ${name} must be an http(s) URL (${what}), not ${url.protocol}`,
    );
  }
  return url;
}

/** `base` plus path segments, keeping base's own path (`new URL('x', base)` would drop its last segment). */
export function joinUrl(base: URL, ...segments: string[]): URL {
  const url = new URL(base.href);
  url.pathname = [url.pathname.replace(/\/+$/, ''), ...segments.map(encodeURIComponent)].join('/');
  return url;
}
