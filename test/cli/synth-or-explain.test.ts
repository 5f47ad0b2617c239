import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { ConfigError, configFiles, loadConfig } from '../../lib/config';
import { jobInput } from '../support/fixtures';
import { synthOrExplain } from '../../lib/stages/synth-or-explain';

function capture() {
  const lines: string[] = [];
  return { lines, stderr: { write: (text: string) => lines.push(text) } };
}

describe('synthOrExplain', () => {
  it('prints a ConfigError’s message alone and returns 1', () => {
    const out = capture();
    const code = synthOrExplain(() => {
      throw new ConfigError('config/workers.ts', ['relay.cpu: must be 256']);
    }, out.stderr);
    expect(code).toBe(1);
    expect(out.lines.join('')).toBe('config/workers.ts is invalid:\n  - relay.cpu: must be 256\n');
  });

  it('keeps the stack trace of an error that is not the config’s', () => {
    const bug = new TypeError('undefined is not a function');
    expect(() =>
      synthOrExplain(() => {
        throw bug;
      }, capture().stderr),
    ).toThrow(bug);
  });

  it('synthesizes a valid app, prints nothing and returns 0', () => {
    const out = capture();
    const app = new App({ autoSynth: false });
    let synthesized = false;
    app.synth = (() => {
      synthesized = true;
    }) as never;
    expect(synthOrExplain(() => ({ app, configs: [loadConfig('sandbox')] }), out.stderr)).toBe(0);
    expect(synthesized).toBe(true);
    expect(out.lines).toEqual([]);
  });

  it('prints each warning once, even when several environments share it, and synthesizes', () => {
    const out = capture();
    const app = new App({ autoSynth: false });
    app.synth = (() => undefined) as never;
    const sources = {
      ...configFiles,
      schedules: [{ ...jobInput, cron: '30 2 * * ? *', timezone: 'Europe/Berlin' }],
      workers: [],
      access: [],
    };
    const configs = [loadConfig('staging', sources), loadConfig('production', sources)];
    expect(synthOrExplain(() => ({ app, configs }), out.stderr)).toBe(0);
    expect(out.lines).toEqual([
      'warning: config/schedules.ts: nightly-report.cron: runs between 01:00 and 03:00 in Europe/Berlin, which changes to and from daylight saving time then: on the change days the run is skipped or runs twice; move it outside 01:00-03:00, or set timezone to one without daylight saving (e.g. "UTC")\n',
    ]);
  });
});
