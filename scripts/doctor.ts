/**
 * `npm run doctor -- -c env=<name>`: the first-deploy checker. Everything but the wiring lives
 * in scripts/doctor/ and is unit-tested there against mocked AWS clients.
 */
import { doctorClients } from './doctor/clients';
import { doctorMain } from './doctor/main';
import { consoleOutput } from './job/output';
import { exitWith } from './support/process';

// As in scripts/job.ts: Node 20 is this project's runtime by design; the SDK's Node 22 notice
// would bury the findings. Set the variable to "false" to see it.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

exitWith(
  doctorMain(process.argv.slice(2), {
    out: consoleOutput,
    now: () => new Date(),
    // The region comes from config, never from the active profile, so the checks read the
    // region the stacks deploy to.
    clients: (env) => doctorClients({ region: env.region }),
  }),
);
