import type { AccessProfileInput } from '../lib/config/access-schema';
import { describeDbSnapshots, readTable, writeBucket } from '../lib/config/access-grants';

/**
 * Who may do what in AWS. A job or worker names one profile (`access: 'reports-writer'`)
 * and its code gets exactly these grants; one that names none can call no AWS API at all.
 * Each profile is one IAM role per environment, shared by the jobs that name it, so a
 * change here is reviewed once and reaches every job that uses the profile: the schedule
 * report in the pull request says which jobs gain or lose what.
 *
 * Grants are written with the helpers of lib/config/access-grants.ts: readBucket,
 * writeBucket, readTable, writeTable, sendToQueue, consumeQueue, readSecret, readParameters,
 * startAthenaQuery, putEvents, describeDbSnapshots, and statement (any IAM action, resources
 * named exactly). A `*` or `?` needs a `reason`. A resource of another account works once
 * that account allows it: `cdk synth` prints the statement it must add to its policy.
 * `overrides: { <env>: { grants: [...] } }` changes a profile in one environment only.
 */
export const profiles: AccessProfileInput[] = [
  {
    name: 'reports-writer',
    description: 'Writes the daily sales reports to the reports bucket',
    owner: 'data-platform',
    grants: [writeBucket({ bucket: 'acme-sales-reports', prefix: 'daily/' })],
    overrides: {
      sandbox: { grants: [writeBucket({ bucket: 'acme-sales-reports-sandbox', prefix: 'daily/' })] },
      staging: { grants: [writeBucket({ bucket: 'acme-sales-reports-staging', prefix: 'daily/' })] },
    },
  },
  {
    name: 'catalogue-reader',
    description: 'Reads the product catalogue table and its indexes; writes nothing',
    owner: 'commerce',
    grants: [readTable({ table: 'catalogue-products', indexes: true })],
  },
  {
    name: 'backup-auditor',
    description: 'Lists the snapshots of the production databases; cannot restore or delete them',
    owner: 'sre',
    grants: [describeDbSnapshots({ instances: ['orders-db', 'billing-db'] })],
  },
];
