// Failure of a SEFAZ exchange. `requestSent` tells the caller whether the SEFAZ may have received and
// processed the message (unknown fate → query before resending) or certainly did not (safe to retry
// or enter contingency). Messages are Portuguese, for ERPs and support staff, and never carry secrets.
import { kilobytes } from '../fiscal/sefaz-limits';

export type SefazTransportErrorKind = 'connect' | 'tls' | 'timeout' | 'reset' | 'http' | 'garbage' | 'empty' | 'oversized';

export class SefazTransportError extends Error {
  readonly kind: SefazTransportErrorKind;
  readonly requestSent: boolean;
  readonly httpStatus?: number;

  constructor(kind: SefazTransportErrorKind, message: string, opts: { requestSent: boolean; httpStatus?: number }) {
    super(message);
    this.name = 'SefazTransportError';
    this.kind = kind;
    this.requestSent = opts.requestSent;
    if (opts.httpStatus !== undefined) this.httpStatus = opts.httpStatus;
  }
}

/**
 * The message exceeds SEFAZ's size limit for its service (fiscal/sefaz-limits.ts): it is never
 * written, since SEFAZ would refuse it whole (214) — or drop the connection, which looks like an outage.
 */
export class SefazMessageTooLarge extends SefazTransportError {
  constructor(readonly operation: string, readonly messageBytes: number, readonly limitBytes: number) {
    super('oversized', `Mensagem de ${kilobytes(messageBytes)} KB para ${operation} excede o limite de ${kilobytes(limitBytes)} KB da SEFAZ; não enviada`, { requestSent: false });
    this.name = 'SefazMessageTooLarge';
  }
}
