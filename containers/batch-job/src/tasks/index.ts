import type { Task } from '../task';
import { backupVerify } from './backup-verify';
import { canary } from './canary';
import { checkCertificates } from './check-certificates';
import { checkEndpoints } from './check-endpoints';
import { ftpImport } from './ftp-import';
import { invoiceRun } from './invoice-run';
import { partnerSync } from './partner-sync';
import { postDigest } from './post-digest';
import { reindex } from './reindex';
import { salesReport } from './sales-report';
import { sessionCleanup } from './session-cleanup';

/** Every task the image runs, by the name the task definition's command gives. */
export const tasks: ReadonlyMap<string, Task> = new Map([
  ['partner-sync', partnerSync],
  ['check-endpoints', checkEndpoints],
  ['sales-report', salesReport],
  ['post-digest', postDigest],
  ['invoice-run', invoiceRun],
  ['reindex', reindex],
  ['check-certificates', checkCertificates],
  ['session-cleanup', sessionCleanup],
  ['backup-verify', backupVerify],
  ['ftp-import', ftpImport],
  ['canary', canary],
]);
