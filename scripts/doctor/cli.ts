import { configFiles, type ConfigSources } from '../../lib/config';
import { consoleOutput } from '../job/output';
import { exitWith } from '../support/process';
import { doctorClients } from './clients';
import { doctorMain } from './main';

/**
 * The doctor as a process runs it: console output, the real clock and AWS clients, over the
 * shipped config/ unless told otherwise (the end-to-end test hands it the fixture config).
 */
export function doctorCli(argv: readonly string[], config: ConfigSources = configFiles): void {
  // As in scripts/job/cli.ts: Node 20 is this project's runtime by design; the SDK's Node 22
  // notice would bury the findings. Set the variable to "false" to see it.
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

  exitWith(
    doctorMain(argv, {
      out: consoleOutput,
      now: () => new Date(),
      // The region comes from config, never from the active profile, so the checks read the
      // region the stacks deploy to.
      clients: (env) => doctorClients({ region: env.region }),
      config,
    }),
  );
}
