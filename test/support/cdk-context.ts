import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The context of cdk.json (feature flags and settings). The CLI passes it to the app; an
 * `App` built in a test or the benchmark does not read it, so they pass it explicitly and
 * synthesize exactly what `cdk synth` does.
 */
export function cdkJsonContext(): Record<string, unknown> {
  const file = path.join(__dirname, '..', '..', 'cdk.json');
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { context: Record<string, unknown> }).context;
}
