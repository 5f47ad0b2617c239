import { describe, expect, it } from 'vitest';
import { JobFailure, UsageError } from '../errors';
import { certificate, testContext } from '../testing/fakes';
import type { TlsProbe, TlsTarget } from '../tls-probe';
import { checkCertificates } from './check-certificates';

const NOW = '2026-11-22T00:00:00Z';

function probeWith(certs: Record<string, ReturnType<typeof certificate> | Error>) {
  const targets: TlsTarget[] = [];
  const probe: TlsProbe = (target) => {
    targets.push(target);
    const cert = certs[target.host];
    if (!cert) return Promise.reject(new Error(`unexpected host ${target.host}`));
    return cert instanceof Error ? Promise.reject(cert) : Promise.resolve(cert);
  };
  return { probe, targets };
}

const args = ['--min-days', '21', 'www.example.com', 'api.example.com'];

describe('check-certificates', () => {
  it('passes when every certificate has at least --min-days left, connecting with SNI on 443', async () => {
    const { probe, targets } = probeWith({
      'www.example.com': certificate('2027-02-01T00:00:00Z'),
      'api.example.com': certificate('2026-12-13T00:00:00Z'), // exactly 21 days
    });
    const { ctx, lines } = testContext({ args, probeTls: probe, now: NOW });

    await expect(checkCertificates.run(ctx)).resolves.toBe(
      'all 2 certificates are valid for at least 21 more days',
    );
    expect(targets).toEqual([
      { host: 'www.example.com', port: 443, servername: 'www.example.com' },
      { host: 'api.example.com', port: 443, servername: 'api.example.com' },
    ]);
    expect(lines.map((l) => l['message'])).toEqual([
      'www.example.com: valid until 2027-02-01 (71 days)',
      'api.example.com: valid until 2026-12-13 (21 days)',
    ]);
  });

  it('fails when fewer days remain than --min-days (partial days do not count)', async () => {
    const { probe } = probeWith({
      'www.example.com': certificate('2027-02-01T00:00:00Z'),
      'api.example.com': certificate('2026-12-12T23:59:59Z'), // 20.99 days
    });
    const { ctx } = testContext({ args, probeTls: probe, now: NOW });

    const run = checkCertificates.run(ctx);
    await expect(run).rejects.toThrow(JobFailure);
    await expect(run).rejects.toThrow(
      '1 of 2 certificates need attention: api.example.com: expires on 2026-12-12, in 20 days (minimum 21)',
    );
  });

  it('reports an expired or untrusted certificate and a failed connection', async () => {
    const { probe } = probeWith({
      'www.example.com': certificate('2026-11-01T00:00:00Z', {
        authorized: false,
        authorizationError: 'CERT_HAS_EXPIRED',
      }),
      'api.example.com': new Error('getaddrinfo ENOTFOUND api.example.com'),
    });
    const { ctx } = testContext({ args, probeTls: probe, now: NOW });

    await expect(checkCertificates.run(ctx)).rejects.toThrow(
      'www.example.com: expired on 2026-11-01, not trusted: CERT_HAS_EXPIRED; api.example.com: TLS connection failed: getaddrinfo ENOTFOUND api.example.com',
    );
  });

  it('accepts host:port', async () => {
    const { probe, targets } = probeWith({ 'mail.example.com': certificate('2027-11-22T00:00:00Z') });
    const { ctx } = testContext({
      args: ['--min-days', '7', 'mail.example.com:8443'],
      probeTls: probe,
      now: NOW,
    });
    await checkCertificates.run(ctx);
    expect(targets).toEqual([{ host: 'mail.example.com', port: 8443, servername: 'mail.example.com' }]);
  });

  it.each([
    [['www.example.com'], '--min-days must be a whole number'],
    [['--min-days', 'soon', 'www.example.com'], '--min-days must be a whole number'],
    [['--min-days', '21'], 'needs at least one host'],
    [['--min-days', '21', '--verbose', 'x.com'], "Unknown option '--verbose'"],
    [['--min-days', '21', 'https://x.com'], '"https://x.com" is not a host name'],
  ])('is a usage error for %j', async (argv, message) => {
    const run = checkCertificates.run(testContext({ args: argv }).ctx);
    await expect(run).rejects.toThrow(UsageError);
    await expect(run).rejects.toThrow(message);
  });
});
