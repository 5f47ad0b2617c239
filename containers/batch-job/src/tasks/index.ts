import type { Task } from '../task';
import { backupVerify } from './backup-verify';
import { canary } from './canary';
import { checkCertificates } from './check-certificates';
import { checkEndpoints } from './check-endpoints';
import { ftpImport } from './ftp-import';
import { TASK_NAMES, type TaskName } from './names';
import { invoiceRun } from './invoice-run';
import { partnerSync } from './partner-sync';
import { postDigest } from './post-digest';
import { reindex } from './reindex';
import { salesReport } from './sales-report';
import { sessionCleanup } from './session-cleanup';

/** Each task of TASK_NAMES: a name missing here, or one that is not there, does not compile. */
const registry: Record<TaskName, Task> = {
  'partner-sync': partnerSync,
  'check-endpoints': checkEndpoints,
  'sales-report': salesReport,
  'post-digest': postDigest,
  'invoice-run': invoiceRun,
  reindex,
  'check-certificates': checkCertificates,
  'session-cleanup': sessionCleanup,
  'backup-verify': backupVerify,
  'ftp-import': ftpImport,
  canary,
};

/** Every task the image runs, by the name the task definition's command gives. */
export const tasks: ReadonlyMap<string, Task> = new Map(TASK_NAMES.map((name) => [name, registry[name]]));
