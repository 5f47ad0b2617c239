import { parseArgs } from 'node:util';
import { describeError, JobFailure, UsageError } from '../errors';
import { TimeoutError, withTimeout } from '../http';
import type { Task, TaskContext } from '../task';
import type { TlsTarget } from '../tls-probe';

/** A TLS handshake that takes longer than this is a finding in itself. */
export const HANDSHAKE_TIMEOUT_MS = 10_000;
const DAY_MS = 86_400_000;

interface Finding {
  readonly target: string;
  readonly ok: boolean;
  readonly message: string;
  readonly daysLeft?: number;
}

export const checkCertificates: Task = {
  usage: 'check-certificates --min-days <n> <host[:port]...>',
  async run(ctx) {
    const { minDays, targets } = parse(ctx.args);
    const findings = await Promise.all(targets.map((t) => inspect(ctx, t, minDays)));
    for (const f of findings) {
      if (f.ok) ctx.log.info(f.message, { host: f.target, daysLeft: f.daysLeft });
      else ctx.log.error(f.message, { host: f.target, daysLeft: f.daysLeft });
    }
    const failed = findings.filter((f) => !f.ok);
    if (failed.length > 0) {
      throw new JobFailure(
        `${failed.length} of ${findings.length} certificates need attention: ${failed.map((f) => f.message).join('; ')}`,
      );
    }
    return `all ${findings.length} certificates are valid for at least ${minDays} more days`;
  },
};

function parse(args: readonly string[]): { minDays: number; targets: TlsTarget[] } {
  let values: { 'min-days'?: string | undefined };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...args],
      options: { 'min-days': { type: 'string' } },
      allowPositionals: true,
      strict: true,
    }));
  } catch (error) {
    throw new UsageError(`check-certificates: ${describeError(error)}`);
  }
  const minDays = Number(values['min-days']);
  if (values['min-days'] === undefined || !Number.isInteger(minDays) || minDays < 1) {
    throw new UsageError('check-certificates: --min-days must be a whole number of days, e.g. --min-days 21');
  }
  if (positionals.length === 0) throw new UsageError('check-certificates needs at least one host');
  const targets = positionals.map((arg) => {
    const m = /^([a-z0-9.-]+)(?::(\d{1,5}))?$/i.exec(arg);
    if (!m) throw new UsageError(`check-certificates: "${arg}" is not a host name (optionally host:port)`);
    const host = m[1]!;
    return { host, port: m[2] ? Number(m[2]) : 443, servername: host };
  });
  return { minDays, targets };
}

async function inspect(ctx: TaskContext, target: TlsTarget, minDays: number): Promise<Finding> {
  const name = target.port === 443 ? target.host : `${target.host}:${target.port}`;
  try {
    const cert = await withTimeout(ctx.signal, HANDSHAKE_TIMEOUT_MS, (signal) =>
      ctx.probeTls(target, signal),
    );
    if (Number.isNaN(cert.validTo.getTime())) {
      return { target: name, ok: false, message: `${name}: the certificate has no readable expiry date` };
    }
    // Whole days, rounded down: "20.9 days left" must fail a 21-day minimum.
    const daysLeft = Math.floor((cert.validTo.getTime() - ctx.now().getTime()) / DAY_MS);
    const expiry = cert.validTo.toISOString().slice(0, 10);
    const problems: string[] = [];
    if (daysLeft < minDays) {
      problems.push(
        daysLeft < 0
          ? `expired on ${expiry}`
          : `expires on ${expiry}, in ${daysLeft} days (minimum ${minDays})`,
      );
    }
    if (!cert.authorized)
      problems.push(`not trusted: ${cert.authorizationError ?? 'unknown verification error'}`);
    return problems.length > 0
      ? { target: name, ok: false, daysLeft, message: `${name}: ${problems.join(', ')}` }
      : { target: name, ok: true, daysLeft, message: `${name}: valid until ${expiry} (${daysLeft} days)` };
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    const why =
      error instanceof TimeoutError
        ? `no TLS handshake within ${HANDSHAKE_TIMEOUT_MS / 1000} s`
        : `TLS connection failed: ${describeError(error)}`;
    return { target: name, ok: false, message: `${name}: ${why}` };
  }
}
