/**
 * The sqs-worker's failure scenarios against a bundle, as a table of counts:
 *   npm run worker:scenarios -- [--bundle <main.js>] [--real-time] [--json]
 * Without --bundle it bundles containers/sqs-worker/src/main.ts as the Dockerfile does. Run it
 * on today's bundle and on a candidate fix to compare; containers/sqs-worker/test/process.test.ts
 * asserts what the fixed worker must show. --real-time adds the long-handler scenario at
 * production scale (a 240 s handler): about five minutes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { buildWorkerBundle } from '../containers/sqs-worker/test/run-worker';
import { REAL_TIME_SCENARIO, SCENARIOS } from '../containers/sqs-worker/test/scenarios';
import { exitWith } from './support/process';
import { formatTable } from './worker-scenarios/table';

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { bundle: { type: 'string' }, 'real-time': { type: 'boolean' }, json: { type: 'boolean' } },
  });
  const dir = mkdtempSync(path.join(tmpdir(), 'worker-scenarios-'));
  try {
    const bundle = values.bundle
      ? path.resolve(values.bundle)
      : await buildWorkerBundle(path.join(dir, 'main.js'));
    const scenarios = values['real-time'] ? [...SCENARIOS, REAL_TIME_SCENARIO] : SCENARIOS;
    const results = await Promise.all(scenarios.map((s) => s.run({ bundle })));
    process.stdout.write(
      values.json ? `${JSON.stringify(results, null, 2)}\n` : `bundle: ${bundle}\n${formatTable(results)}\n`,
    );
    return 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

exitWith(main(process.argv.slice(2)));
