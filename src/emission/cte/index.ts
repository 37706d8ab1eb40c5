// CT-e (57), layout 4.00: the second document type. Synchronous, one CT-e per SEFAZ call.
import { parseCteEnvio, type CteDraft } from '../../layout';
import type { DocumentType } from '../document-type';
import { planCte } from './issue';
import { cteSchemaErrors } from './schema';
import { cteProtocol, cteServices } from './services';
import { cteWithSerie } from './reserved-serie';
import { cteEvents } from './events';
import { cteEpec, renderCteForContingency } from './contingency';

export const cteType: DocumentType<CteDraft> = {
  label: 'CT-e',
  article: 'o',
  modelos: { CTe: '57' },
  read(layoutXml, parsed) {
    const r = parseCteEnvio(layoutXml, parsed);
    return r.ok ? r : { ok: false, errors: r.errors.map((e) => e.message) };
  },
  facts: (draft) => ({ model: draft.modelo, serie: draft.serie, numero: draft.nCT, tpAmb: draft.tpAmb, uf: draft.emitUf }),
  withSerie: cteWithSerie,
  plan: planCte,
  validate: cteSchemaErrors,
  renderForContingency: renderCteForContingency,
  epec: cteEpec,
  // CT-e 4.00 has no lote: every CT-e goes alone, synchronously.
  lotes: () => undefined,
  services: cteServices,
  // CT-e 4.00 has no inutilização service (cte.md §1).
  inutilizacao: 'local',
  events: cteEvents,
  attachable: cteProtocol.attachable,
  proc: cteProtocol.proc,
};
