/**
 * `node --import tsx test/support/synthesize.ts <dir> <name>...`: synthesizes the named
 * configurations one after another into <dir>, for the suite's global setup, before any
 * test file of the `synth` project starts.
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
