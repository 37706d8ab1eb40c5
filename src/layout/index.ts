// InvoiCy NF-e/NFC-e 4.00 layout → SEFAZ NF-e XML.
export { parseNfeEnvio } from './parse';
export { nfeChave, renderNfe, HOMOLOGACAO_DEST_XNOME, HOMOLOGACAO_XPROD } from './render';
export { epecSummary, type EpecSummary } from './epec';
export type { DestDoc, LayoutError, NfeDraft, ParseResult, RenderOptions } from './types';
