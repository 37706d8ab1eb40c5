// TLS credentials for the contingency probe: the probe asks a scope's status service on behalf of
// every company of the UF, so any enabled company of that UF and environment with a valid
// certificate will do (the same checks as emission).
import { environmentTpAmb } from '../store/port';
import type { CredentialsFor } from '../contingency/probe';
import { CertificateProblem, CompanyContext, type EmissionDeps } from './context';

export function companyCredentialsFor(deps: EmissionDeps): CredentialsFor {
  return async (uf, _model, tpAmb) => {
    const companies = (await deps.store.listCompanies()).filter(
      (c) => c.enabled && c.uf === uf && environmentTpAmb(c.environment) === tpAmb,
    );
    for (const company of companies) {
      try {
        return (await new CompanyContext(deps, company).certificate()).credentials;
      } catch (err) {
        if (!(err instanceof CertificateProblem)) throw err;
      }
    }
    return undefined;
  };
}
