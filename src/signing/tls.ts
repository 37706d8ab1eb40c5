// Mutual-TLS material for the SEFAZ web services: the A1 certificate is also the client certificate.
import type { A1Certificate } from './pfx';

export interface TlsCredentials {
  key: string;
  /** Leaf first, then the chain, so the server can build the path to its trusted root. */
  cert: string;
  /** Roots trusted for the *server* certificate (ICP-Brasil bundle, or the simulator's test CA). */
  ca?: string[];
}

/** Options for `new https.Agent({ keepAlive: true, ...tlsCredentials(cert) })` or `tls.createSecureContext`. */
export function tlsCredentials(cert: Pick<A1Certificate, 'keyPem' | 'certPem' | 'chainPems'>, options: { ca?: string[] } = {}): TlsCredentials {
  return {
    key: cert.keyPem,
    cert: [cert.certPem, ...cert.chainPems].map((pem) => pem.trim()).join('\n') + '\n',
    ...(options.ca ? { ca: options.ca } : {}),
  };
}
