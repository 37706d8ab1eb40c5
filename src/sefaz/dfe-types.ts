// DF-e distribution at the Ambiente Nacional (NFeDistribuicaoDFe distDFeInt 1.01, CTeDistribuicaoDFe
// 1.00): what the gateway asks and what it reads back. NSUs are 15-digit strings, as on the wire, so
// they compare as text and never lose digits.

/** 1 produção, 2 homologação: endpoints.ts's TpAmb, written out because endpoints.ts reads the DF-e descriptors, which read this file. */
type TpAmb = '1' | '2';

export type DistModel = '55' | '57';

/** Exactly one of the three queries of distDFeInt (dfe-distribution.md §2). */
export type DistQuery =
  | { kind: 'distNSU'; ultNSU: string }
  | { kind: 'consNSU'; NSU: string }
  | { kind: 'consChave'; chave: string };

export interface DistRequest {
  model: DistModel;
  tpAmb: TpAmb;
  /** UF code of the interested party (cUFAutor). */
  cUFAutor: string;
  /** CNPJ (14) or CPF (11) of the interested party. */
  doc: string;
  query: DistQuery;
}

/** One docZip, unzipped; `root` is the local name of its root element (dispatch on it, not on schema). */
export interface DistDocument {
  NSU?: string;
  schema: string;
  root: string;
  xml: string;
}

/** retDistDFeInt; ultNSU/maxNSU are optional (a 656 for a key query carries neither). */
export interface DistAnswer {
  cStat: string;
  xMotivo: string;
  dhResp?: string;
  ultNSU?: string;
  maxNSU?: string;
  documents: DistDocument[];
}
