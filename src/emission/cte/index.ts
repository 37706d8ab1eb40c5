// CT-e (57), layout 4.00: the second document type. Synchronous, one CT-e per SEFAZ call.
import { parseCteEnvio, type CteDraft } from '../../layout';
import { CTE_TP_EVENTO, detCancCTe, eventoCTe } from '../../sefaz/cte-messages';
import { procEventoCTe } from '../../sefaz/proc';
import type { DocumentEpec, DocumentEvents, DocumentType } from '../document-type';
import { SitCodigo, TEXT } from '../codes';
import { planCte } from './issue';
import { cteSchemaErrors } from './schema';
import { cteProtocol, cteServices } from './services';
import { cteWithSerie } from './reserved-serie';

// Until the CT-e events (W2) and contingency renditions (W3) are plugged here, they are refused
// clearly: an EnvioEvento is answered with this text, and a scope in contingency leaves the CT-e
// pending (105) for the pending job.
const NOT_YET_CONTINGENCY = 'Emissão de CT-e em contingência (SVC/EPEC) ainda não disponível neste serviço';

const cteEvents: DocumentEvents = {
  handlers: {},
  unhandled: (tpEvento) => ({ code: SitCodigo.naoDisponivel, text: TEXT.operacaoNaoSuportada(`Evento ${tpEvento} do CT-e`) }),
  unsigned: (p) => eventoCTe({
    cOrgao: p.cOrgao, tpAmb: p.tpAmb, cnpj: p.cnpj, chCTe: p.chave, dhEvento: p.dhEvento, tpEvento: p.tpEvento, nSeqEvento: p.nSeq, detEventoInnerXml: p.det,
  }),
  signedTag: 'infEvento',
  cancelling: [CTE_TP_EVENTO.cancelamento],
  cancellation: (p) => ({ tpEvento: CTE_TP_EVENTO.cancelamento, det: detCancCTe(p) }),
  proc: procEventoCTe,
};

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
