// The capture's DistributionSource over the SEFAZ client: the company's certificate (mutual TLS) and
// one distribution call. `call` has the shape of SefazClient.distribuicao, passed in by the composition
// root, so this room depends on the wire's types only.
import type { LogScope } from '../log/logger';
import type { DistAnswer, DistRequest } from '../sefaz/dfe-types';
import type { SefazCredentials } from '../sefaz/transport';
import type { Company } from '../store/port';
import type { DistributionSource } from './capture';

export type DistCall = (t: { log?: LogScope }, credentials: SefazCredentials, req: DistRequest) => Promise<DistAnswer>;

export function sefazDistributionSource(call: DistCall, credentialsFor: (company: Company) => Promise<SefazCredentials>): DistributionSource {
  return async (company, req, log) => call({ log }, await credentialsFor(company), req);
}
