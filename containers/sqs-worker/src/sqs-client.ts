import { SQSClient } from '@aws-sdk/client-sqs';
import { RECEIVE_WATCHDOG_MARGIN_MS } from './worker';

/**
 * The worker's SQS client. The SDK's Node handler waits forever by default: no connection
 * timeout, and a request timeout that only logs a warning unless `throwOnRequestTimeout` is
 * set. A long poll answers within its wait, so a request open much longer than that is a dead
 * connection; the same limit ends a DeleteMessage that hangs.
 *
 * MD5 is checked per message by the worker (`bodyIntact`) instead of by the SDK, whose check
 * fails the whole batch when one message is corrupt.
 */
export function sqsClient(receiveWaitSeconds: number): SQSClient {
  return new SQSClient({
    md5: false,
    requestHandler: {
      connectionTimeout: 3_000,
      requestTimeout: receiveWaitSeconds * 1000 + RECEIVE_WATCHDOG_MARGIN_MS,
      throwOnRequestTimeout: true,
    },
  });
}
