/**
 * `node --import tsx test/support/synthesize.ts <dir> <name>...`: synthesizes the named
 * configurations of the fixture config, and with `shipped` every app of the shipped config/,
 * one after another into <dir>, for the suite's global setup, before any test file of the
 * `synth` project starts.
 */
import { CONFIGURATIONS, synthesizeConfiguration } from './configurations';
import { synthesizeShipped } from './shipped';
import { SHIPPED, type ConfigurationName } from './synth-result';

const [dir, ...names] = process.argv.slice(2);
if (!dir || names.length === 0) {
  console.error('usage: synthesize.ts <dir> <configuration>...');
  process.exit(2);
}
for (const name of names) {
  if (name === SHIPPED) {
    synthesizeShipped(dir);
    continue;
  }
  if (!(name in CONFIGURATIONS)) {
    console.error(`unknown configuration "${name}"; known: ${Object.keys(CONFIGURATIONS).join(', ')}`);
    process.exit(2);
  }
  synthesizeConfiguration(name as ConfigurationName, dir);
  // The global setup starts the tests once every fixture configuration is written.
  console.log(`synthesized ${name}`);
}
