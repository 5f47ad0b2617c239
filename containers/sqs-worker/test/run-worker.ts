import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import * as path from 'node:path';
import { build } from 'esbuild';

const WORKER_DIR = path.join(__dirname, '..');

/**
 * Bundles the worker as the Dockerfile does (`esbuild src/main.ts --bundle --platform=node
 * --target=node20`) and returns the bundle's path.
 */
export async function buildWorkerBundle(
  outfile: string,
  entry = path.join(WORKER_DIR, 'src/main.ts'),
): Promise<string> {
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node20',
    outfile,
    logLevel: 'silent',
  });
  return outfile;
}

export interface WorkerProcessOptions {
  /** The bundled main.js. */
  readonly bundle: string;
  readonly queueUrl: string;
  /** The stand-in's base URL, as AWS_ENDPOINT_URL_SQS. */
  readonly sqsEndpoint: string;
  readonly targetUrl: string;
  /** VISIBILITY_TIMEOUT_SECONDS, MAX_PROCESSING_SECONDS, RECEIVE_WAIT_SECONDS, ...; unset ones are left to the worker's defaults. */
  readonly env?: Record<string, string>;
  /** Run with --expose-gc and a preload that collects every 50 ms. @default false */
  readonly forceGc?: boolean;
  /** @default 'webhook-relay' */
  readonly handler?: string;
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Time from SIGTERM to exit; null when it did not exit in time and was killed (or got no SIGTERM). */
  readonly exitMsAfterSigterm: number | null;
}

/** `node main.js webhook-relay` in a child process, its stdout read as JSON lines. */
export class WorkerProcess {
  /** Every stdout line that parsed as a JSON object (log lines and metric lines). */
  readonly lines: Record<string, unknown>[] = [];
  stderr = '';
  private readonly child: ChildProcessByStdio<null, Readable, Readable>;
  private readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private sigtermAt?: number;
  private exitedAt?: number;

  constructor(options: WorkerProcessOptions) {
    const nodeArgs = options.forceGc
      ? ['--expose-gc', '--require', path.join(__dirname, 'force-gc.cjs')]
      : [];
    this.child = spawn(process.execPath, [...nodeArgs, options.bundle, options.handler ?? 'webhook-relay'], {
      env: {
        PATH: process.env['PATH'] ?? '',
        AWS_REGION: 'ap-northeast-1',
        AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'secret',
        AWS_EC2_METADATA_DISABLED: 'true',
        // Node 20 is the image's runtime; the SDK's notice about it is noise here.
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        AWS_ENDPOINT_URL_SQS: options.sqsEndpoint,
        QUEUE_URL: options.queueUrl,
        WORKER_NAME: 'scenario-relay',
        ENVIRONMENT_NAME: 'local',
        TARGET_URL: options.targetUrl,
        TARGET_TOKEN: 'token',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let partial = '';
    this.child.stdout.on('data', (chunk: Buffer) => {
      const text = partial + chunk.toString();
      const complete = text.split('\n');
      partial = complete.pop() ?? '';
      for (const line of complete) {
        try {
          const parsed: unknown = JSON.parse(line);
          if (parsed && typeof parsed === 'object') this.lines.push(parsed as Record<string, unknown>);
        } catch {
          // not a JSON line: nothing a scenario counts
        }
      }
    });
    this.child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) =>
      this.child.on('exit', (code, signal) => {
        this.exitedAt = Date.now();
        resolve({ code, signal });
      }),
    );
  }

  /** Log lines whose fields include all of `fields` (e.g. `{ event: 'receive-stalled' }`). */
  logged(fields: Record<string, unknown>): Record<string, unknown>[] {
    return this.lines.filter((line) => Object.entries(fields).every(([k, v]) => line[k] === v));
  }

  /** Log lines whose message contains `text`. */
  loggedMessage(text: string): Record<string, unknown>[] {
    return this.lines.filter((line) => typeof line['message'] === 'string' && line['message'].includes(text));
  }

  /**
   * Sends SIGTERM and waits up to `killAfterMs` for the exit; past that, SIGKILL (as ECS does
   * after stopTimeout), and `exitMsAfterSigterm` is null.
   */
  async stop(killAfterMs: number): Promise<Exit> {
    if (this.exitedAt === undefined) {
      this.sigtermAt = Date.now();
      this.child.kill('SIGTERM');
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>(
      (resolve) => (timer = setTimeout(() => resolve('timeout'), killAfterMs)),
    );
    const first = await Promise.race([this.exited, timedOut]);
    clearTimeout(timer);
    if (first === 'timeout') {
      this.child.kill('SIGKILL');
      return { ...(await this.exited), exitMsAfterSigterm: null };
    }
    const ms =
      this.sigtermAt === undefined || this.exitedAt === undefined ? null : this.exitedAt - this.sigtermAt;
    return { ...first, exitMsAfterSigterm: ms };
  }

  /** Kills the process if it still runs (cleanup after a failed scenario). */
  kill(): void {
    if (this.exitedAt === undefined) this.child.kill('SIGKILL');
  }
}
