// The authorizers the simulator impersonates (one URL prefix each) and which document families each
// serves (NF-e/NFC-e, CT-e: cte.md §2.3); the services themselves are in served.ts.
import type { DocModel } from '../fiscal/document-state';
import { defaultCteSvc, defaultSvc, isUf, normalAuthorizer, ufCode, ufOffset } from '../fiscal/ufs';

export const NFE_NS = 'http://www.portalfiscal.inf.br/nfe';

/** NF-e/NFC-e (models 55, 65) or CT-e (57): which web services an authorizer offers. */
export type Family = 'nfe' | 'cte';

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
  families: readonly Family[];
}

const NFE_UF_AUTHORIZERS = ['AM', 'BA', 'GO', 'MG', 'MS', 'MT', 'PE', 'PR', 'RS', 'SP'];
const CTE_UF_AUTHORIZERS = ['MG', 'MS', 'MT', 'PR', 'RS', 'SP'];

// tipo opens nProt: the CT-e digits (cte.md §2.2: 3 SVRS, 5 SVSP, 7 SVC-RS, 8 SVC-SP) agree with NF-e's.
const SPECIAL: Record<string, Omit<Authorizer, 'key' | 'verAplic' | 'offset'>> = {
  SVRS: { tipo: '3', kind: 'virtual', defaultCuf: '43', families: ['nfe', 'cte'] },
  SVAN: { tipo: '4', kind: 'virtual', defaultCuf: '21', families: ['nfe'] },
  SVSP: { tipo: '5', kind: 'virtual', defaultCuf: '35', families: ['cte'] },
  SVCAN: { tipo: '6', kind: 'svc', defaultCuf: '91', families: ['nfe'] },
  SVCRS: { tipo: '7', kind: 'svc', defaultCuf: '43', families: ['nfe', 'cte'] },
  SVCSP: { tipo: '8', kind: 'svc', defaultCuf: '35', families: ['cte'] },
  // AN event protocols start with 891 (sefaz-nfe.md §5.2): tipo 8 + cOrgao 91. CT-e: only its DF-e distribution.
  AN: { tipo: '8', kind: 'an', defaultCuf: '91', families: ['nfe', 'cte'] },
};

export function findAuthorizer(segment: string): Authorizer | undefined {
  const key = segment.toUpperCase();
  const verAplic = `${key}_NFE_PL009_V4`;
  const families: Family[] = [...(NFE_UF_AUTHORIZERS.includes(key) ? ['nfe' as const] : []), ...(CTE_UF_AUTHORIZERS.includes(key) ? ['cte' as const] : [])];
  if (families.length > 0) {
    return { key, tipo: '1', uf: key, kind: 'uf', offset: ufOffset(key), verAplic, defaultCuf: ufCode(key), families };
  }
  const special = SPECIAL[key];
  // Virtual authorizers answer in Brasília time (sefaz-nfe.md §2 samples).
  return special ? { key, ...special, offset: '-03:00', verAplic } : undefined;
}

/** Does this authorizer serve documents of `uf`/`model` (ignoring the SVC activation flag)? */
export function servesUf(auth: Authorizer, uf: string | undefined, model: DocModel): boolean {
  if (!uf || !isUf(uf)) return false;
  if (auth.kind === 'svc') {
    if (model === '57') return defaultCteSvc(uf) === auth.key;
    return model === '55' && defaultSvc(uf) === auth.key;
  }
  if (auth.kind === 'an') return true;
  return normalAuthorizer(uf, model) === auth.key;
}

/** cUF to put in an answer: the authorizer's own UF, or the UF the request concerns. */
export function answerCuf(auth: Authorizer, requestCuf?: string): string {
  if (auth.kind === 'uf') return auth.defaultCuf;
  return requestCuf && /^\d{2}$/.test(requestCuf) ? requestCuf : auth.defaultCuf;
}
