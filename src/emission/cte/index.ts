// CT-e (57), layout 4.00: the second document type. Synchronous, one CT-e per SEFAZ call.
import { parseCteEnvio, type CteDraft } from '../../layout';
import { CTE_TP_EVENTO } from '../../sefaz/cte-messages';
import type { DocumentEpec, DocumentType } from '../document-type';
import { planCte } from './issue';
import { cteSchemaErrors } from './schema';
import { cteProtocol, cteServices } from './services';
import { cteWithSerie } from './reserved-serie';
import { cteEvents } from './events';

// Until the CT-e contingency renditions (W3) are plugged here, they are refused clearly: a scope in
// contingency leaves the CT-e pending (105) for the pending job.
const NOT_YET_CONTINGENCY = 'Emissão de CT-e em contingência (SVC/EPEC) ainda não disponível neste serviço';

const cteEpec: DocumentEpec<CteDraft> = {
  tpEvento: CTE_TP_EVENTO.epec,
  unavailable: () => NOT_YET_CONTINGENCY,
  event: () => {
    throw new Error(NOT_YET_CONTINGENCY);
  },
};

export const cteType: DocumentType<CteDraft> = {
  label: 'CT-e',
  modelos: { CTe: '57' },
  read(layoutXml, parsed) {
    const r = parseCteEnvio(layoutXml, parsed);
    return r.ok ? r : { ok: false, errors: r.errors.map((e) => e.message) };
  },
  facts: (draft) => ({ model: draft.modelo, serie: draft.serie, numero: draft.nCT, tpAmb: draft.tpAmb, uf: draft.emitUf }),
  withSerie: cteWithSerie,
  plan: planCte,
  validate: cteSchemaErrors,
  renderForContingency: () => Promise.resolve({ ok: false, unavailable: NOT_YET_CONTINGENCY }),
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
