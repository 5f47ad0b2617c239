/**
 * `npm run doctor -- -c env=<name>`: the first-deploy checker. Everything but the wiring lives
 * in scripts/doctor/ and is unit-tested there against mocked AWS clients.
 */
import { doctorCli } from './doctor/cli';

doctorCli(process.argv.slice(2));
