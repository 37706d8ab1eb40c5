// The authorizers the simulator impersonates (one URL prefix each); the services it serves are in served.ts.
import { defaultSvc, isUf, normalAuthorizer, ufCode, ufOffset, type Model } from '../fiscal/ufs';

export const NFE_NS = 'http://www.portalfiscal.inf.br/nfe';

export interface Authorizer {
  key: string;
  /** Digit that opens nProt and follows cUF in nRec (sefaz-nfe.md §5.1/§5.2). */
  tipo: string;
  /** UF of an own-SEFAZ authorizer. */
  uf?: string;
  kind: 'uf' | 'virtual' | 'svc' | 'an';
  offset: string;
  verAplic: string;
  /** cUF/cOrgao used when a message does not say which UF it concerns. */
  defaultCuf: string;
}

const UF_AUTHORIZERS = ['AM', 'BA', 'GO', 'MG', 'MS', 'MT', 'PE', 'PR', 'RS', 'SP'];

const SPECIAL: Record<string, Omit<Authorizer, 'key' | 'verAplic' | 'offset'>> = {
  SVRS: { tipo: '3', kind: 'virtual', defaultCuf: '43' },
  SVAN: { tipo: '4', kind: 'virtual', defaultCuf: '21' },
  SVCAN: { tipo: '6', kind: 'svc', defaultCuf: '91' },
  SVCRS: { tipo: '7', kind: 'svc', defaultCuf: '43' },
  // AN event protocols start with 891 (sefaz-nfe.md §5.2): tipo 8 + cOrgao 91.
  AN: { tipo: '8', kind: 'an', defaultCuf: '91' },
};

export function findAuthorizer(segment: string): Authorizer | undefined {
  const key = segment.toUpperCase();
  const verAplic = `${key}_NFE_PL009_V4`;
  if (UF_AUTHORIZERS.includes(key)) {
    return { key, tipo: '1', uf: key, kind: 'uf', offset: ufOffset(key), verAplic, defaultCuf: ufCode(key) };
  }
  const special = SPECIAL[key];
  // Virtual authorizers answer in Brasília time (sefaz-nfe.md §2 samples).
  return special ? { key, ...special, offset: '-03:00', verAplic } : undefined;
}

/** Does this authorizer serve documents of `uf`/`model` (ignoring the SVC activation flag)? */
export function servesUf(auth: Authorizer, uf: string | undefined, model: Model): boolean {
  if (!uf || !isUf(uf)) return false;
  if (auth.kind === 'svc') return model === '55' && defaultSvc(uf) === auth.key;
  if (auth.kind === 'an') return true;
  return normalAuthorizer(uf, model) === auth.key;
}

/** cUF to put in an answer: the authorizer's own UF, or the UF the request concerns. */
export function answerCuf(auth: Authorizer, requestCuf?: string): string {
  if (auth.kind === 'uf') return auth.defaultCuf;
  return requestCuf && /^\d{2}$/.test(requestCuf) ? requestCuf : auth.defaultCuf;
}
