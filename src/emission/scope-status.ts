// The status service for the contingency probe: the document type of the scope's model asks its
// normal authorizer; a model no type issues cannot be asked, and the probe records why.
import type { ScopeStatus } from '../contingency/probe';
import type { EmissionDeps } from './context';
import { TEXT } from './codes';
import { documentTypeForModel } from './document-types';

export function scopeStatusOf(deps: EmissionDeps): ScopeStatus {
  return (scope, credentials, log) => {
    const type = documentTypeForModel(scope.model);
    if (!type) return Promise.resolve({ unavailable: TEXT.operacaoNaoSuportada(`Consulta de status da SEFAZ do modelo ${scope.model}`) });
    return type.services.status(deps.sefaz, { uf: scope.uf, model: scope.model, tpAmb: scope.tpAmb, log }, credentials);
  };
}
