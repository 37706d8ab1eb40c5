// NF-e (55) and NFC-e (65), layout 4.00: the first document type.
import { parseNfeEnvio, type NfeDraft } from '../../layout';
import type { DocumentType } from '../document-type';
import { planNfe, renderNfeForContingency } from './issue';
import { schemaErrors } from './schema';
import { nfePrecheck } from './precheck';
import { nfeProtocol, nfeServices } from './services';
import { nfeEvents } from './events';
import { nfeEpec } from './epec';
import { nfeWithSerie } from './reserved-serie';
import { nfeLotes } from './lotes';

export const nfeType: DocumentType<NfeDraft> = {
  label: 'NF-e',
  article: 'a',
  modelos: { NFe: '55', NFCe: '65' },
  read(layoutXml, parsed, unknownFields) {
    const r = parseNfeEnvio(layoutXml, parsed, unknownFields);
    return r.ok ? { ok: true, draft: r.draft, tolerated: r.draft.tolerated } : { ok: false, errors: r.errors.map((e) => e.message) };
  },
  facts: (draft) => ({ model: draft.modelo, serie: draft.serie, numero: draft.nNF, tpAmb: draft.tpAmb, uf: draft.emitUf }),
  withSerie: nfeWithSerie,
  plan: planNfe,
  validate: schemaErrors,
  precheck: nfePrecheck,
  renderForContingency: renderNfeForContingency,
  epec: nfeEpec,
  lotes: nfeLotes,
  services: nfeServices,
  inutilizacao: 'sefaz',
  events: nfeEvents,
  attachable: nfeProtocol.attachable,
  proc: nfeProtocol.proc,
};
