import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The entry point bundled as the Dockerfile bundles it, run as a child process against a
 * local stand-in for SQS (the SDK's JSON protocol) and for the webhook target: proves the
 * real SDK, the signal wiring and the exit code ECS sees, beyond what the mocked tests show.
 */
const dir = mkdtempSync(path.join(tmpdir(), 'sqs-worker-'));
const bundle = path.join(dir, 'main.js');

beforeAll(async () => {
  await build({
    entryPoints: [path.join(__dirname, 'main.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    outfile: bundle,
    logLevel: 'silent',
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Calls {
  readonly sqs: { action: string; input: Record<string, unknown> }[];
  readonly hook: string[];
}

/** Serves one message on the first ReceiveMessage, then long-polls; holds each webhook call. */
function fakeAws(body: string) {
  const calls: Calls = { sqs: [], hook: [] };
  const held: http.ServerResponse[] = [];
  let served = false;
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      if (req.url === '/hook') {
        calls.hook.push(raw);
        held.push(res);
        return;
      }
      const action = String(req.headers['x-amz-target']).replace('AmazonSQS.', '');
      calls.sqs.push({ action, input: JSON.parse(raw) as Record<string, unknown> });
      res.setHeader('content-type', 'application/x-amz-json-1.0');
      if (action === 'ReceiveMessage') {
        if (served) return; // a long poll that never returns: only the worker can end it
        served = true;
        const md5 = createHash('md5').update(body).digest('hex');
        res.end(
          JSON.stringify({
            Messages: [{ MessageId: 'm-1', ReceiptHandle: 'rh-1', MD5OfBody: md5, Body: body }],
          }),
        );
        return;
      }
      res.end('{}');
    });
  });
  return { server, calls, held };
}

describe('main.js (bundled, in a child process)', () => {
  it('on SIGTERM stops polling, finishes the message in flight, deletes it once and exits 0', async () => {
    const event = { eventId: 'evt-9', type: 'order.created', payload: { orderId: 9 } };
    const { server, calls, held } = fakeAws(JSON.stringify(event));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const child = spawn(process.execPath, [bundle, 'webhook-relay'], {
        env: {
          PATH: process.env['PATH'] ?? '',
          AWS_REGION: 'ap-northeast-1',
          AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
          AWS_SECRET_ACCESS_KEY: 'secret',
          AWS_EC2_METADATA_DISABLED: 'true',
          AWS_ENDPOINT_URL_SQS: base,
          WORKER_NAME: 'order-events-relay',
          QUEUE_URL: `${base}/111111111111/sandbox-order-events-relay`,
          VISIBILITY_TIMEOUT_SECONDS: '120',
          TARGET_URL: `${base}/hook`,
          TARGET_TOKEN: 'token',
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      const exited = new Promise<{ code: number | null; signal: string | null }>((r) =>
        child.on('exit', (code, signal) => r({ code, signal })),
      );

      await expect.poll(() => calls.hook.length, { timeout: 10_000 }).toBe(1);
      await expect.poll(() => calls.sqs.filter((c) => c.action === 'ReceiveMessage').length).toBe(2);
      child.kill('SIGTERM');
      await expect.poll(() => stdout).toContain('SIGTERM received');
      await new Promise((r) => setTimeout(r, 300));
      expect(calls.sqs.map((c) => c.action)).toEqual(['ReceiveMessage', 'ReceiveMessage']); // no delete yet

      held[0]!.writeHead(204).end(); // the target accepts the event after SIGTERM
      await expect(exited).resolves.toEqual({ code: 0, signal: null });
      expect(calls.sqs.map((c) => c.action)).toEqual(['ReceiveMessage', 'ReceiveMessage', 'DeleteMessage']);
      expect(calls.sqs[2]!.input).toMatchObject({ ReceiptHandle: 'rh-1' });
      expect(JSON.parse(calls.hook[0]!)).toEqual(event);
      expect(stdout.trim().split('\n').at(-1)).toContain('stopped cleanly');
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
