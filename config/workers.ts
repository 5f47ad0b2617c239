import type { WorkerInput } from '../lib/config/worker-schema';

/**
 * Resident SQS workers, one ECS service each. One task always runs on on-demand Fargate,
 * the rest on Fargate Spot. `singleton: true` pins a worker to exactly one task, even during
 * a deploy (the old task stops before the new one starts).
 *
 * maxProcessingTime is a hard deadline per message: the worker aborts the handler then and
 * leaves the message for SQS to deliver again. visibilityTimeout must be at least 10 s longer,
 * so an aborted handler lets go before another task can get the message. After
 * maxReceiveCount failed or aborted attempts a message moves to the worker's dead-letter
 * queue and an alarm fires.
 *
 * `scaling` follows the backlog per running task: messagesPerTask is the number of waiting
 * messages one task should have; the count stays between min and max (no desiredCount then).
 * `overrides: { <env>: { ... } }` changes fields in one environment only.
 *
 * Defaults: image { directory: 'sqs-worker' }, cpu 256, memory 512, desiredCount 1,
 * maxReceiveCount 5, oldestMessageAlarm '15m'.
 */
export const workers: WorkerInput[] = [
  {
    name: 'order-events-relay',
    description: 'Relays order events to the fulfilment partner’s webhook',
    owner: 'commerce',
    command: ['node', 'main.js', 'webhook-relay'],
    environment: { TARGET_URL: 'https://fulfilment.partner.example.com/hooks/orders' },
    secrets: { TARGET_TOKEN: { secretsManager: 'batch/fulfilment-partner', field: 'token' } },
    maxProcessingTime: '30s',
    visibilityTimeout: '2m',
    scaling: { min: 1, max: 10, messagesPerTask: 200 },
    oldestMessageAlarm: '10m',
  },
  {
    name: 'search-index-updater',
    description: 'Applies product changes to the search index',
    owner: 'commerce',
    command: ['node', 'main.js', 'webhook-relay'],
    environment: { TARGET_URL: 'https://search.internal.example.com/admin/updates' },
    secrets: { TARGET_TOKEN: { ssmParameter: '/batch/search/admin-token' } },
    maxProcessingTime: '1m',
    visibilityTimeout: '3m',
    desiredCount: 2,
    overrides: { sandbox: { desiredCount: 1 }, staging: { desiredCount: 1 } },
  },
  {
    name: 'notification-dispatcher',
    description: 'Sends push and e-mail notifications through the notification service',
    owner: 'platform',
    command: ['node', 'main.js', 'webhook-relay'],
    environment: { TARGET_URL: 'https://notify.internal.example.com/v1/dispatch' },
    secrets: { TARGET_TOKEN: { secretsManager: 'batch/notify', field: 'token' } },
    maxProcessingTime: '20s',
    visibilityTimeout: '1m',
    desiredCount: 2,
    oldestMessageAlarm: '5m',
  },
  {
    name: 'payment-reconciler',
    description: 'Matches payment provider settlements to orders; two copies would double-book',
    owner: 'billing',
    command: ['node', 'main.js', 'webhook-relay'],
    environment: { TARGET_URL: 'https://billing.internal.example.com/v1/reconcile' },
    secrets: { TARGET_TOKEN: { ssmParameter: '/batch/billing/api-token' } },
    cpu: 512,
    memory: 1024,
    maxProcessingTime: '5m',
    visibilityTimeout: '8m',
    maxReceiveCount: 3,
    singleton: true,
  },
  {
    name: 'ledger-exporter',
    description: 'Appends ledger entries to the accounting export in order; must never run twice',
    owner: 'billing',
    command: ['node', 'main.js', 'webhook-relay'],
    environment: { TARGET_URL: 'https://ledger.internal.example.com/v1/entries' },
    secrets: { TARGET_TOKEN: { secretsManager: 'batch/ledger', field: 'token' } },
    maxProcessingTime: '2m',
    visibilityTimeout: '5m',
    singleton: true,
    oldestMessageAlarm: '30m',
  },
  {
    name: 'image-thumbnailer-callback',
    description: 'Tells the media service a thumbnail batch finished',
    owner: 'media',
    command: ['node', 'main.js', 'webhook-relay'],
    environment: { TARGET_URL: 'https://media.internal.example.com/v1/thumbnails/done' },
    secrets: { TARGET_TOKEN: { secretsManager: 'batch/media', field: 'token' } },
    maxProcessingTime: '30s',
    visibilityTimeout: '90s',
  },
];
