// The NF-e/NFC-e events the ERP sends (EnvioEvento, contract §11.3): 110111 cancelamento, 110110 carta
// de correção (NF-e only: 784), 110112 cancelamento por substituição (NFC-e only) and the destinatário's
// manifestação (manifestacao.ts: a received NF-e, at the Ambiente Nacional), each checked as
// SEFAZ would (fields, protocol, state, cancel deadline, dates; sefaz-nfe.md §12) over the pure rules
// of fiscal/event-rules.ts; and how an NF-e event is written (evento, procEventoNFe).
import { procEventoNFe } from '../../sefaz/proc';
import { detCancelamento, detCancelamentoSubstituicao, detCartaCorrecao, evento, TP_EVENTO } from '../../sefaz/messages';
import { cancelDeadline, cancelWindowMs } from '../../contingency/policy';
import { formatDateTime } from '../../fiscal/datetime';
import { ufCode } from '../../fiscal/ufs';
import { isValidChave } from '../../fiscal/chave';
import { DOC_STATUS } from '../../fiscal/document-state';
import {
  collapseText, dhEventoRefusal, eventProtocol, freeTextProblem, maxSeqEvento, seqRefusal,
} from '../../fiscal/event-rules';
import type { DocumentRecord } from '../../store/port';
import type { CompanyContext } from '../context';
import { SitCodigo, TEXT } from '../codes';
import { InputError, readEnvioEvento, type EventoInput } from '../inputs';
import type { DocumentEvents, EventHandler, Refusal } from '../document-type';
import { manifestacaoHandlers } from '../manifestacao/handlers';

function layout(problem: string): Refusal {
  return { code: SitCodigo.layout, text: `Erro no layout do evento: ${problem}` };
}

/** xJust / xCorrecao as SEFAZ receives it, or the layout refusal of its length or characters. */
function freeText(value: string | undefined, field: string, min: number, max: number): { text: string } | Refusal {
  const text = collapseText(value);
  const problem = freeTextProblem(text, field, min, max);
  return problem ? layout(problem) : { text };
}

function justification(input: EventoInput): { text: string } | Refusal {
  return freeText(input.xJust, 'EvexJust', 15, 255);
}

function correction(input: EventoInput): { text: string } | Refusal {
  return freeText(input.xCorrecao, 'EveCorrecao', 15, 1000);
}

function problemOf(r: { text: string } | Refusal): Refusal | undefined {
  return 'code' in r ? r : undefined;
}

/** The authorisation protocol a cancellation quotes (EvenProt, or the document's own). */
function cancelProtocol(input: EventoInput, doc: DocumentRecord): { nProt: string } | Refusal {
  const p = eventProtocol(input.nProt, doc.nProt);
  return 'problem' in p ? layout(p.problem) : p;
}

function requireAuthorised(doc: DocumentRecord): Refusal | undefined {
  if (doc.docStatus === DOC_STATUS.CANCELADO) return { code: 218, text: 'Rejeição: documento já está cancelado' };
  if (doc.docStatus !== DOC_STATUS.AUTORIZADO && doc.docStatus !== DOC_STATUS.CONTINGENCIA_SVC) {
    return { code: 580, text: `Rejeição: o evento exige um documento autorizado (situação atual do documento: ${doc.xMotivo ?? doc.docStatus})` };
  }
  return undefined;
}

/** SEFAZ's dhEvento rules against the document's emission and authorisation (577/578/579). */
function datesRefusal(ctx: CompanyContext, doc: DocumentRecord, at: Date): Refusal | undefined {
  return dhEventoRefusal(at, { now: ctx.now(), dhEmi: doc.dhEmi, dhAut: doc.dhAut, tpEmis: doc.tpEmis, offset: ctx.offset });
}

/** "24 horas", "30 minutos": a cancel window as the 501 text names it. */
function windowText(ms: number): string {
  const minutes = ms / 60_000;
  return minutes % 60 === 0 ? `${minutes / 60} horas` : `${minutes} minutos`;
}

const SUBSTITUTE_KEY_REQUIRED = 'ChaAcessoSubstituta obrigatória (chave de acesso da NFC-e substituta)';

const cancelamento: EventHandler = {
  maxSeq: maxSeqEvento(TP_EVENTO.cancelamento),
  checkFields: (input) => problemOf(justification(input)),
  plan(_ctx, { input, doc }) {
    const xJust = justification(input);
    if ('code' in xJust) return Promise.resolve(xJust);
    const nProt = cancelProtocol(input, doc);
    if ('code' in nProt) return Promise.resolve(nProt);
    return Promise.resolve({ tpEvento: TP_EVENTO.cancelamento, nSeq: 1, det: detCancelamento({ nProt: nProt.nProt, xJust: xJust.text }) });
  },
  checkState(ctx, doc, at) {
    const r = requireAuthorised(doc);
    if (r) return r;
    if (doc.dhAut && ctx.now().getTime() > cancelDeadline(doc.model, doc.dhAut).getTime()) {
      return {
        code: 501,
        text: `Rejeição: prazo de cancelamento esgotado (${windowText(cancelWindowMs(doc.model))} após a autorização em ${formatDateTime(doc.dhAut, ctx.offset)})`,
      };
    }
    return datesRefusal(ctx, doc, at);
  },
};

const cartaCorrecao: EventHandler = {
  maxSeq: maxSeqEvento(TP_EVENTO.cartaCorrecao),
  checkFields(input) {
    const r = input.nSeq === undefined ? undefined : seqRefusal(input.tpEvento, input.nSeq);
    return r ?? problemOf(correction(input));
  },
  plan(_ctx, { input }) {
    const xCorrecao = correction(input);
    if ('code' in xCorrecao) return Promise.resolve(xCorrecao);
    return Promise.resolve({ tpEvento: TP_EVENTO.cartaCorrecao, nSeq: input.nSeq, det: detCartaCorrecao({ xCorrecao: xCorrecao.text }) });
  },
  checkState(ctx, doc, at) {
    if (doc.model !== '55') return { code: 784, text: 'Rejeição: NFC-e não permite Carta de Correção' };
    return requireAuthorised(doc) ?? datesRefusal(ctx, doc, at);
  },
  repeatable: { duplicateHint: '; para uma nova correção envie a Carta de Correção sem EvenSeq' },
};

const cancelamentoSubstituicao: EventHandler = {
  maxSeq: maxSeqEvento(TP_EVENTO.cancelamentoSubstituicao),
  checkFields(input) {
    if (!input.chaveSubstituta || !isValidChave(input.chaveSubstituta)) return layout(SUBSTITUTE_KEY_REQUIRED);
    return problemOf(justification(input));
  },
  plan(ctx, { input, doc, uf }) {
    const xJust = justification(input);
    if ('code' in xJust) return Promise.resolve(xJust);
    const chNFeRef = input.chaveSubstituta;
    if (!chNFeRef) return Promise.resolve(layout(SUBSTITUTE_KEY_REQUIRED));
    const nProt = cancelProtocol(input, doc);
    if ('code' in nProt) return Promise.resolve(nProt);
    return Promise.resolve({
      tpEvento: TP_EVENTO.cancelamentoSubstituicao, nSeq: 1,
      det: detCancelamentoSubstituicao({ cOrgaoAutor: ufCode(uf), verAplic: ctx.deps.verProc, nProt: nProt.nProt, xJust: xJust.text, chNFeRef }),
    });
  },
  checkState(ctx, doc, at) {
    if (doc.model !== '65') return layout('cancelamento por substituição só existe para NFC-e');
    return requireAuthorised(doc) ?? datesRefusal(ctx, doc, at);
  },
};

/** Prorrogação, registro de saída … of InvoiCy's NF-e/NFC-e event layout, not offered yet. */
const NOT_YET_SUPPORTED = [
  '111500', '111501', '111502', '111503', '910111', '910112',
  '110150', '110130', '110131', '110192', '110193', '110750', '110751',
];

export const nfeEvents: DocumentEvents = {
  read(xml) {
    try {
      return { ok: true, input: readEnvioEvento(xml) };
    } catch (err) {
      if (err instanceof InputError) return { ok: false, problems: [err.message] };
      throw err;
    }
  },
  handlers: {
    [TP_EVENTO.cancelamento]: cancelamento,
    [TP_EVENTO.cartaCorrecao]: cartaCorrecao,
    [TP_EVENTO.cancelamentoSubstituicao]: cancelamentoSubstituicao,
    ...manifestacaoHandlers,
  },
  unhandled(tpEvento) {
    if (NOT_YET_SUPPORTED.includes(tpEvento)) return { code: SitCodigo.naoDisponivel, text: TEXT.operacaoNaoSuportada(`Evento ${tpEvento}`) };
    // The EPEC is an event too, but the service registers it itself (routes/epec.ts).
    if (tpEvento === TP_EVENTO.epec) {
      return layout('EveTp 110140 (EPEC) não é enviado pelo ERP: o serviço registra o EPEC sozinho quando a SEFAZ está em contingência e a empresa usa essa opção');
    }
    return layout(`EveTp "${tpEvento}" inválido (use 110110 carta de correção, 110111 cancelamento, 110112 cancelamento por substituição ou a manifestação do destinatário 210200, 210210, 210220, 210240)`);
  },
  unsigned: (p) => evento({
    cOrgao: p.cOrgao, tpAmb: p.tpAmb, cnpj: p.cnpj, chNFe: p.chave, dhEvento: p.dhEvento,
    tpEvento: p.tpEvento, nSeqEvento: p.nSeq, detEventoInnerXml: p.det,
  }),
  signedTag: 'infEvento',
  cancelling: [TP_EVENTO.cancelamento, TP_EVENTO.cancelamentoSubstituicao],
  cancellation: (p) => ({ tpEvento: TP_EVENTO.cancelamento, det: detCancelamento(p) }),
  proc: procEventoNFe,
};
