// Failure of a SEFAZ exchange. `requestSent` tells the caller whether the SEFAZ may have received and
// processed the message (unknown fate → query before resending) or certainly did not (safe to retry
// or enter contingency). Messages are Portuguese, for ERPs and support staff, and never carry secrets.

export type SefazTransportErrorKind = 'connect' | 'tls' | 'timeout' | 'reset' | 'http' | 'garbage' | 'empty';

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
