import type { ScheduledJobInput } from '../lib/config/schedule-schema';

/**
 * Every cron job, one entry each. Changing a time here and merging the reviewed pull
 * request is the only way a schedule changes: nothing is edited on a server.
 *
 * cron is AWS's six fields, `minutes hours day-of-month month day-of-week year`, in the job's
 * `timezone` (default: the environment's, Asia/Tokyo). One of day-of-month and day-of-week
 * must be `?`; day-of-week names (MON-FRI) read better than numbers (1 = SUN).
 * Run `npm run job -- list` to see the next runs of every job.
 *
 * Defaults: image { directory: 'batch-job' }, cpu 256, memory 512, concurrency 'forbid',
 * retries 0, capacity 'spot', startingDeadline '1h' (how late a run may still start),
 * enabled true. Secrets are references, never values.
 */
export const schedules: ScheduledJobInput[] = [
  {
    name: 'partner-inventory-sync',
    description: 'Pulls stock levels from the partner API into the catalogue service',
    owner: 'commerce',
    notify: '#commerce-batch',
    cron: '*/5 * * * ? *',
    command: ['node', 'main.js', 'partner-sync'],
    environment: { PARTNER_API_URL: 'https://partner.example.com/v2/inventory' },
    secrets: { PARTNER_API_KEY: { secretsManager: 'batch/partner-api', field: 'apiKey' } },
    timeout: '4m',
    expectedDuration: '40s',
  },
  {
    name: 'hourly-endpoint-check',
    description: 'Checks the public endpoints answer 2xx within 5 s',
    owner: 'sre',
    notify: '#sre-alerts',
    notifySkipped: true, // an hourly check that did not run is worth knowing about
    cron: '0 * * * ? *',
    command: [
      'node',
      'main.js',
      'check-endpoints',
      'https://www.example.com/healthz',
      'https://api.example.com/ping',
    ],
    timeout: '5m',
    expectedDuration: '30s',
  },
  {
    name: 'nightly-sales-report',
    description: 'Builds yesterday’s sales report and posts the summary to the sales channel',
    owner: 'data-platform',
    notify: '#data-batch',
    access: 'reports-writer',
    cron: '0 3 * * ? *', // 03:00 JST daily
    command: ['node', 'main.js', 'sales-report'],
    environment: { REPORT_API_URL: 'https://reports.internal.example.com/v1/sales' },
    secrets: { SLACK_WEBHOOK_URL: { secretsManager: 'batch/slack-webhooks', field: 'sales' } },
    cpu: 1024,
    memory: 2048,
    timeout: '1h',
    expectedDuration: '20m',
    retries: 2,
  },
  {
    name: 'weekday-standup-digest',
    description: 'Posts the open incident and deploy digest before stand-up',
    owner: 'sre',
    notify: '#sre-batch',
    cron: '0 9 ? * MON-FRI *', // 09:00 JST on weekdays
    command: ['node', 'main.js', 'post-digest'],
    environment: { DIGEST_API_URL: 'https://status.internal.example.com/v1/digest' },
    secrets: { SLACK_WEBHOOK_URL: { secretsManager: 'batch/slack-webhooks', field: 'sre' } },
    timeout: '10m',
    expectedDuration: '1m',
  },
  {
    name: 'monthly-invoice-run',
    description: 'Issues last month’s invoices; must not be interrupted half way',
    owner: 'billing',
    notify: '#billing-ops',
    cron: '30 0 1 * ? *', // 00:30 JST on the 1st of each month
    command: ['node', 'main.js', 'invoice-run', '--previous-month'],
    environment: { BILLING_API_URL: 'https://billing.internal.example.com/v1' },
    secrets: { BILLING_API_TOKEN: { ssmParameter: '/batch/billing/api-token' } },
    cpu: 2048,
    memory: 4096,
    timeout: '2h',
    expectedDuration: '45m',
    capacity: 'on-demand',
    retries: 1,
  },
  {
    name: 'search-index-rebuild',
    description: 'Rebuilds the product search index; a newer run supersedes a stuck one',
    owner: 'commerce',
    notify: '#commerce-batch',
    access: 'catalogue-reader',
    cron: '0 2 * * ? *',
    command: ['node', 'main.js', 'reindex'],
    environment: { SEARCH_ADMIN_URL: 'https://search.internal.example.com/admin' },
    cpu: 1024,
    memory: 4096,
    timeout: '90m',
    expectedDuration: '35m',
    concurrency: 'replace',
  },
  {
    name: 'certificate-expiry-check',
    description: 'Fails when a TLS certificate we serve expires within 21 days',
    owner: 'sre',
    notify: '#sre-alerts',
    cron: '0 10 * * ? *',
    command: [
      'node',
      'main.js',
      'check-certificates',
      '--min-days',
      '21',
      'www.example.com',
      'api.example.com',
    ],
    timeout: '5m',
    expectedDuration: '20s',
  },
  {
    name: 'session-cleanup',
    description: 'Deletes expired web sessions; runs may overlap safely (idempotent deletes)',
    owner: 'platform',
    cron: '*/15 * * * ? *',
    command: ['node', 'main.js', 'session-cleanup'],
    environment: { SESSION_API_URL: 'https://sessions.internal.example.com' },
    timeout: '20m',
    expectedDuration: '3m',
    concurrency: 'allow',
  },
  {
    name: 'weekly-backup-verify',
    description: 'Restores last night’s database snapshot list and checks the newest is < 26 h old',
    owner: 'sre',
    notify: '#sre-alerts',
    access: 'backup-auditor',
    cron: '0 5 ? * SUN *', // 05:00 JST on Sundays
    command: ['node', 'main.js', 'backup-verify'],
    environment: { BACKUP_STATUS_URL: 'https://backups.internal.example.com/status' },
    timeout: '30m',
    expectedDuration: '5m',
    overrides: {
      staging: {
        enabled: false,
        disabledReason: 'staging has no backups to verify',
        disabledUntil: '2027-06-30',
      },
    },
  },
  {
    name: 'canary',
    description:
      'Heartbeat of the job path itself (runner, ECS, image, logs, records); the pipeline runs it after deploying staging',
    owner: 'platform',
    cron: '45 8 * * ? *', // 08:45 JST daily: a broken job path shows before the working day's jobs
    command: ['node', 'main.js', 'canary'],
    cpu: 256,
    memory: 512,
    timeout: '5m',
    expectedDuration: '1m',
    // The pipeline's run and the daily one may meet; neither may be skipped (a skipped run
    // would fail the deploy), and the task is harmless to run twice.
    concurrency: 'allow',
  },
  {
    name: 'legacy-ftp-import',
    description: 'Imports the partner’s nightly CSV from their FTP drop',
    owner: 'commerce',
    notify: '#commerce-batch',
    cron: '15 4 * * ? *',
    command: ['node', 'main.js', 'ftp-import'],
    timeout: '30m',
    enabled: false,
    disabledReason:
      'Partner moved to the inventory API (partner-inventory-sync); kept until they confirm the FTP drop is gone',
    disabledUntil: '2027-01-31',
  },
];
