import { JobFailure } from '../errors';
import type { Task } from '../task';

/**
 * Retired: the partner publishes stock through its API now (task partner-sync). The job stays
 * in config, disabled, until they confirm the FTP drop is gone; a manual run says so plainly
 * rather than importing a stale file or pretending to succeed.
 */
export const ftpImport: Task = {
  usage: 'ftp-import',
  run() {
    return Promise.reject(
      new JobFailure(
        'ftp-import is retired: the partner moved to the inventory API, which the partner-inventory-sync job (task partner-sync) reads; nothing was imported',
      ),
    );
  },
};
