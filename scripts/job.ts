/**
 * `npm run job -- <list|ls|run|status|logs|pause|resume|stop|backfill|import-crontab> ...`:
 * operators' view of the scheduled jobs. Everything but the wiring lives in scripts/job/ and is
 * unit-tested there.
 */
import { jobCli } from './job/cli';

jobCli(process.argv.slice(2));
