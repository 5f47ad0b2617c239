import { z } from 'zod';
import type { Handler } from '../worker';

/** The message shape producers put on a relay queue. */
export const relayMessageSchema = z.object({
  eventId: z.string().min(1),
  type: z.string().min(1),
  payload: z.record(z.string(), z.unknown()),
});

export interface WebhookRelayOptions {
  readonly targetUrl: string;
  readonly token: string;
  readonly fetch?: typeof fetch;
}

/**
 * POSTs each event to the target with a bearer token and an idempotency key (the event id),
 * so a message SQS delivers twice is applied once by a target that honours the key.
 * A malformed body or a non-2xx answer rejects: the message stays on the queue and, after
 * maxReceiveCount attempts, lands in the dead-letter queue, where it can be inspected.
 *
 * The call has no timeout of its own: the worker aborts `signal` at the worker's
 * maxProcessingTime, the one deadline config declares and the queue's visibility allows for.
 */
export function webhookRelay(options: WebhookRelayOptions): Handler {
  const doFetch = options.fetch ?? fetch;
  return async (body, signal) => {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw new Error('message body is not JSON');
    }
    const parsed = relayMessageSchema.safeParse(json);
    if (!parsed.success) {
      // Thrown, not swallowed: the message stays on the queue and reaches the DLQ for a person
      // to read, with this line in the worker's log saying why.
      throw new Error(`message body is not a relay event: ${z.prettifyError(parsed.error)}`);
    }
    const message = parsed.data;
    const response = await doFetch(options.targetUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${options.token}`,
        'idempotency-key': message.eventId,
      },
      body: JSON.stringify(message),
      signal,
    });
    if (!response.ok) throw new Error(`target answered ${response.status} for event ${message.eventId}`);
  };
}
