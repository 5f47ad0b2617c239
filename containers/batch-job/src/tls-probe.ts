import * as tls from 'node:tls';
import { abortReason } from './errors';

export interface TlsTarget {
  readonly host: string;
  readonly port: number;
  /** SNI name: the certificate a virtual host serves depends on it. */
  readonly servername: string;
}

export interface PeerCertificateInfo {
  readonly subject: string;
  readonly issuer: string;
  readonly validTo: Date;
  /** Whether the chain verified against Node's CA store for `servername`. */
  readonly authorized: boolean;
  readonly authorizationError?: string;
}

export type TlsProbe = (target: TlsTarget, signal: AbortSignal) => Promise<PeerCertificateInfo>;

/**
 * Completes a TLS handshake and reads the peer certificate. Verification is not enforced at
 * connect time so an expired or mis-issued certificate can still be read and reported with its
 * date; the result says whether it verified.
 */
export const probeTls: TlsProbe = (target, signal) =>
  new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(abortReason(signal));
      return;
    }
    const socket = tls.connect({
      host: target.host,
      port: target.port,
      servername: target.servername,
      rejectUnauthorized: false,
    });
    const onAbort = () => socket.destroy();
    const settle = () => signal.removeEventListener('abort', onAbort);
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('close', () => {
      settle();
      // A no-op after 'secureConnect' or 'error' (already settled); otherwise the abort closed it.
      reject(signal.aborted ? abortReason(signal) : new Error('connection closed before the TLS handshake'));
    });
    socket.once('error', (error: Error) => {
      settle();
      reject(signal.aborted ? abortReason(signal) : error);
    });
    socket.once('secureConnect', () => {
      settle();
      const cert = socket.getPeerCertificate();
      const authorizationError = socket.authorizationError as Error | string | null | undefined;
      socket.destroy();
      if (!cert || !cert.valid_to) {
        reject(new Error('the server sent no certificate'));
        return;
      }
      resolve({
        subject: String(cert.subject?.CN ?? ''),
        issuer: String(cert.issuer?.O ?? cert.issuer?.CN ?? ''),
        validTo: new Date(cert.valid_to),
        authorized: socket.authorized,
        ...(authorizationError ? { authorizationError: String(authorizationError) } : {}),
      });
    });
  });
