/**
 * `node --import tsx test/support/synthesize.ts <dir> <name>...`: synthesizes the named
 * configurations one after another into <dir>. The suite's global setup runs one of these
 * per core, so the configurations synthesize in parallel before any test file starts.
 */
import { CONFIGURATIONS, synthesizeConfiguration } from './configurations';
import type { ConfigurationName } from './synth-result';

const [dir, ...names] = process.argv.slice(2);
if (!dir || names.length === 0) {
  console.error('usage: synthesize.ts <dir> <configuration>...');
  process.exit(2);
}
for (const name of names) {
  if (!(name in CONFIGURATIONS)) {
    console.error(`unknown configuration "${name}"; known: ${Object.keys(CONFIGURATIONS).join(', ')}`);
    process.exit(2);
  }
  synthesizeConfiguration(name as ConfigurationName, dir);
}
