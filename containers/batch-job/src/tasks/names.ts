/**
 * The name of every task the image runs (`node main.js <task>`), as plain data: the registry
 * (./index.ts) is keyed by exactly these, and config validation (lib/config/job-command.ts)
 * imports this file to reject a job whose command names another, without loading any task.
 */
export const TASK_NAMES = [
  'partner-sync',
  'check-endpoints',
  'sales-report',
  'post-digest',
  'invoice-run',
  'reindex',
  'check-certificates',
  'session-cleanup',
  'backup-verify',
  'ftp-import',
  'canary',
] as const;

export type TaskName = (typeof TASK_NAMES)[number];
