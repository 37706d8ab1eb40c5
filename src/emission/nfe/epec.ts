// The EPEC event (110140) of a re-keyed NF-e (sefaz-nfe.md §7.4): its summary, for the Ambiente
// Nacional. NFC-e EPEC exists only in SP, through a web service of its own this client does not speak.
import { epecSummary, type NfeDraft } from '../../layout';
import { detEpec, TP_EVENTO } from '../../sefaz/messages';
import { formatDateTime } from '../../fiscal/datetime';
import { ufCode } from '../../fiscal/ufs';
import type { DocumentEpec } from '../document-type';
import { nfeEvents } from './events';

/** cOrgao of the Ambiente Nacional, which receives NF-e EPECs. */
const AMBIENTE_NACIONAL = '91';

export const nfeEpec: DocumentEpec<NfeDraft> = {
  tpEvento: TP_EVENTO.epec,
  unavailable(draft) {
    if (draft.modelo !== '55') return 'EPEC de NFC-e (SP) não suportado por este serviço';
    return epecSummary(draft).dest ? undefined : 'EPEC exige o destinatário da NF-e';
  },
  event(ctx, draft, signed, uf) {
    const summary = epecSummary(draft);
    return nfeEvents.unsigned({
      cOrgao: AMBIENTE_NACIONAL, tpAmb: ctx.tpAmb, cnpj: ctx.company.cnpj, chave: signed.chave,
      dhEvento: formatDateTime(ctx.now(), ctx.offset), tpEvento: TP_EVENTO.epec, nSeq: 1,
      det: detEpec({
        model: '55', cOrgaoAutor: ufCode(uf), verAplic: ctx.deps.verProc, dhEmi: signed.dhEmi,
        tpNF: summary.tpNF as '0' | '1', IE: summary.IE, dest: summary.dest, vNF: summary.vNF, vICMS: summary.vICMS, vST: summary.vST,
      }),
    });
  },
};
