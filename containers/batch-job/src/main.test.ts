import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The real entry point, bundled the way the Dockerfile bundles it and run as a child process:
 * proves the argv handling, the SIGTERM wiring and the exit codes ECS will see.
 */
const dir = mkdtempSync(path.join(tmpdir(), 'batch-job-'));
const bundle = path.join(dir, 'main.js');
const childEnv = { PATH: process.env['PATH'] ?? '', JOB_NAME: 'hourly-endpoint-check' };

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

describe('main.js (bundled, in a child process)', () => {
  it('exits 2 on an unknown task, with one JSON log line naming it', () => {
    const result = spawnSync(process.execPath, [bundle, 'nope'], { env: childEnv, encoding: 'utf8' });
    expect(result.status).toBe(2);
    const line = JSON.parse(result.stdout.trim()) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 'error', job: 'hourly-endpoint-check', task: 'nope' });
    expect(line['message']).toMatch(/^unknown task "nope"; valid tasks: partner-sync, check-endpoints, /);
  });

  it('on SIGTERM aborts the in-flight request and exits 143 at once', async () => {
    const server = http.createServer();
    let requestClosed!: Promise<void>;
    const received = new Promise<void>((resolveReceived) => {
      requestClosed = new Promise<void>((resolveClosed) => {
        // Never answers: only the signal can end the check before its 5 s timeout.
        server.on('request', (req: http.IncomingMessage) => {
          req.socket.once('close', () => resolveClosed());
          resolveReceived();
        });
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    try {
      const child = spawn(process.execPath, [bundle, 'check-endpoints', `http://127.0.0.1:${port}/healthz`], {
        env: childEnv,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      const exited = new Promise<{ code: number | null; signal: string | null }>((r) =>
        child.on('exit', (code, signal) => r({ code, signal })),
      );

      await received;
      const sent = Date.now();
      child.kill('SIGTERM');
      // A code of 143 with no signal: the process exited by itself rather than being killed.
      await expect(exited).resolves.toEqual({ code: 143, signal: null });
      expect(Date.now() - sent).toBeLessThan(2_000);
      await requestClosed;
      const last = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
      expect(last).toMatchObject({ level: 'warn', task: 'check-endpoints', outcome: 'stopped' });
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
