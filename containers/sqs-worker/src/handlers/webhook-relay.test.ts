import { describe, expect, it, vi } from 'vitest';
import { webhookRelay } from './webhook-relay';

const event = { eventId: 'evt-1', type: 'order.created', payload: { orderId: 42 } };

describe('webhookRelay', () => {
  it('POSTs the event with the token and the event id as idempotency key', async () => {
    const fetch = vi.fn(() => Promise.resolve(new Response(null, { status: 202 })));
    await webhookRelay({ targetUrl: 'https://t/hook', token: 's3cret', fetch })(
      JSON.stringify(event),
      new AbortController().signal,
    );
    expect(fetch).toHaveBeenCalledWith(
      'https://t/hook',
      expect.objectContaining({
        method: 'POST',
        body: JSON.stringify(event),
        headers: expect.objectContaining({
          'content-type': 'application/json',
          authorization: 'Bearer s3cret',
          'idempotency-key': 'evt-1',
        }) as unknown,
      }),
    );
  });

  it.each([
    ['not JSON', 'nope', /not JSON/],
    ['missing eventId', JSON.stringify({ type: 'x', payload: {} }), /not a relay event[\s\S]*at eventId/],
    [
      'a payload that is not an object',
      JSON.stringify({ eventId: 'e', type: 'x', payload: 3 }),
      /at payload/,
    ],
  ])('rejects a body that is %s, without calling the target', async (_, body, message) => {
    const fetch = vi.fn();
    await expect(
      webhookRelay({ targetUrl: 'https://t', token: 't', fetch })(body, new AbortController().signal),
    ).rejects.toThrow(message);
    expect(fetch).not.toHaveBeenCalled();
  });

  it('rejects on a non-2xx answer so the message is retried', async () => {
    const fetch = vi.fn(() => Promise.resolve(new Response('busy', { status: 503 })));
    await expect(
      webhookRelay({ targetUrl: 'https://t', token: 't', fetch })(
        JSON.stringify(event),
        new AbortController().signal,
      ),
    ).rejects.toThrow('target answered 503 for event evt-1');
  });
});
