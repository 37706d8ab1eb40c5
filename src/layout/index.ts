// The InvoiCy layout engine and its kinds: NF-e/NFC-e 4.00 and CT-e 4.00 layouts → SEFAZ XML.
export { parseNfeEnvio } from './nfe/parse';
export { nfeChave, renderNfe, HOMOLOGACAO_DEST_XNOME, HOMOLOGACAO_XPROD } from './nfe/render';
export { epecSummary, type EpecSummary } from './nfe/epec';
export { nfeTotalsDivergence } from './nfe/amounts';
export type { LayoutError } from './types';
export { treeWithSerie, type UnknownFields } from './tree';
export type { DestDoc, NfeDraft, ParseResult, RenderOptions } from './nfe/types';
// CT-e 4.00 layout → SEFAZ CT-e XML.
export { parseCteEnvio } from './cte/parse';
export { cteChave, renderCte, renderCteChecked, CTE_NS, HOMOLOGACAO_CTE_XNOME } from './cte/render';
export { MODAL_ROOTS } from './cte/shape';
export type { CteDraft, CteParseResult, CteParty, CteRenderOptions } from './cte/types';
