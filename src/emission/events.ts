// EnvioEvento (contract §11.3) for NF-e/NFC-e: 110111 cancelamento, 110110 carta de correção and
// 110112 cancelamento por substituição. Checked before sending (document state, deadlines, texts),
// stored before and after the SEFAZ call; a transport failure leaves the event pending (105).
import { evento, detCancelamento, detCartaCorrecao, detCancelamentoSubstituicao, TP_EVENTO } from '../sefaz/messages';
import { procEventoNFe } from '../sefaz/proc';
import { authorizerFor } from '../sefaz/endpoints';
import type { SefazTarget } from '../sefaz/client';
import type { SefazCredentials } from '../sefaz/transport';
import { SefazTransportError } from '../sefaz/errors';
import { signXml } from '../signing/xmldsig';
import { formatDateTime, parseDateTime } from '../fiscal/datetime';
import { ufCode, type Model } from '../fiscal/ufs';
import { isValidChave } from '../fiscal/chave';
import { XmlInputError } from '../xml/parse';
import type { DocumentRecord, EventRecord } from '../store/port';
import { DOC_STATUS } from '../store/port';
import type { DocumentRequest, DocumentResult } from '../invoicy/types';
import { CertificateProblem, type CompanyContext } from './context';
import { SitCodigo, TEXT } from './codes';
import { InputError, readEnvioEvento, type EventoInput } from './inputs';
import { eventReply, modelCode, modeloName, rejectionReply } from './replies';
import { docUf } from './outcome';
import { newIdLote } from './issue-nfe';

const HOUR = 3_600_000;
/** Cancel deadlines from authorisation (sefaz-nfe.md §12): NF-e 24 h, NFC-e 30 min. */
const CANCEL_DEADLINE_MS: Record<string, number> = { '55': 24 * HOUR, '65': 30 * 60_000 };
const REGISTERED = ['135', '136', '155'];
/** Duplicidade de evento. */
const DUPLICATE_EVENT = '573';

class EventRefusal extends Error {
  constructor(readonly code: number | string, message: string) {
    super(message);
  }
}

function refuse(code: number | string, text: string): never {
  throw new EventRefusal(code, text);
}

function requireText(value: string | undefined, field: string, min: number, max: number): string {
  const v = value?.replace(/\s+/g, ' ').trim() ?? '';
  if (v.length < min || v.length > max) refuse(SitCodigo.layout, `Erro no layout do evento: ${field} deve ter de ${min} a ${max} caracteres (recebido: ${v.length})`);
  return v;
}

async function findDocument(ctx: CompanyContext, input: EventoInput, model: '55' | '65'): Promise<DocumentRecord> {
  let doc: DocumentRecord | undefined;
  if (input.chave) doc = await ctx.store.findDocumentByChave(ctx.company.id, input.chave);
  else if (input.numero !== undefined && input.serie !== undefined) {
    doc = await ctx.store.findDocumentByNumber(ctx.company.id, ctx.tpAmb, model, input.serie, input.numero);
  } else refuse(SitCodigo.layout, 'Erro no layout do evento: informe ChaAcesso ou NtfNumero e NtfSerie');
  if (!doc || doc.model !== model) refuse(SitCodigo.naoEncontrado, 'Documento não localizado na base de dados do emissor para este evento');
  return doc;
}

function requireAuthorised(doc: DocumentRecord): void {
  if (doc.docStatus === DOC_STATUS.CANCELADO) refuse(218, 'Rejeição: documento já está cancelado');
  if (doc.docStatus !== DOC_STATUS.AUTORIZADO && doc.docStatus !== DOC_STATUS.CONTINGENCIA_SVC) {
    refuse(580, `Rejeição: o evento exige um documento autorizado (situação atual do documento: ${doc.xMotivo ?? doc.docStatus})`);
  }
}

export interface EventPlan {
  tpEvento: string;
  nSeq: number;
  det: string;
}

async function plan(ctx: CompanyContext, input: EventoInput, doc: DocumentRecord): Promise<EventPlan> {
  const now = ctx.now();
  switch (input.tpEvento) {
    case TP_EVENTO.cancelamento: {
      requireAuthorised(doc);
      const limit = CANCEL_DEADLINE_MS[doc.model]!;
      if (doc.dhAut && now.getTime() - doc.dhAut.getTime() > limit) {
        refuse(501, `Rejeição: prazo de cancelamento esgotado (${doc.model === '65' ? '30 minutos' : '24 horas'} após a autorização em ${formatDateTime(doc.dhAut, ctx.offset)})`);
      }
      const xJust = requireText(input.xJust, 'EvexJust', 15, 255);
      const nProt = input.nProt && input.nProt !== '0' ? input.nProt : doc.nProt;
      if (!nProt) refuse(SitCodigo.layout, 'Erro no layout do evento: protocolo de autorização não encontrado');
      return { tpEvento: input.tpEvento, nSeq: 1, det: detCancelamento({ nProt, xJust }) };
    }
    case TP_EVENTO.cartaCorrecao: {
      if (doc.model !== '55') refuse(784, 'Rejeição: NFC-e não permite Carta de Correção');
      requireAuthorised(doc);
      const xCorrecao = requireText(input.xCorrecao, 'EveCorrecao', 15, 1000);
      const events = await ctx.store.listEvents(ctx.company.id, doc.id);
      const last = Math.max(0, ...events.filter((e) => e.tpEvento === input.tpEvento && e.status === 'registered').map((e) => e.nSeq));
      const nSeq = input.nSeq ?? last + 1;
      if (nSeq < 1 || nSeq > 20) refuse(594, 'Rejeição: número de sequência da Carta de Correção deve estar entre 1 e 20');
      return { tpEvento: input.tpEvento, nSeq, det: detCartaCorrecao({ xCorrecao }) };
    }
    case TP_EVENTO.cancelamentoSubstituicao: {
      if (doc.model !== '65') refuse(SitCodigo.layout, 'Erro no layout do evento: cancelamento por substituição só existe para NFC-e');
      requireAuthorised(doc);
      if (!input.chaveSubstituta || !isValidChave(input.chaveSubstituta)) {
        refuse(SitCodigo.layout, 'Erro no layout do evento: ChaAcessoSubstituta obrigatória (chave de acesso da NFC-e substituta)');
      }
      const xJust = requireText(input.xJust, 'EvexJust', 15, 255);
      const nProt = input.nProt && input.nProt !== '0' ? input.nProt : doc.nProt;
      if (!nProt) refuse(SitCodigo.layout, 'Erro no layout do evento: protocolo de autorização não encontrado');
      return {
        tpEvento: input.tpEvento, nSeq: 1,
        det: detCancelamentoSubstituicao({ cOrgaoAutor: ufCode(docUf(ctx, doc)), verAplic: ctx.deps.verProc, nProt, xJust, chNFeRef: input.chaveSubstituta }),
      };
    }
    default:
      return refuse(999, TEXT.operacaoNaoSuportada(`Evento ${input.tpEvento}`));
  }
}

/** Stores the event (new, or the rejected/pending row of the same sequence) before sending. */
async function persistEvent(ctx: CompanyContext, doc: DocumentRecord, p: EventPlan, xmlSigned: string, requestXml: string | null): Promise<EventRecord | { stored: EventRecord }> {
  const existing = (await ctx.store.listEvents(ctx.company.id, doc.id)).find((e) => e.tpEvento === p.tpEvento && e.nSeq === p.nSeq);
  if (existing?.status === 'registered' || existing?.status === 'sending') return { stored: existing };
  const fields = { status: 'sending' as const, xmlSigned, requestXml, cStat: null, xMotivo: null, attempts: (existing?.attempts ?? 0) + 1 };
  if (existing) return (await ctx.store.updateEvent(ctx.company.id, existing.id, fields)) ?? existing;
  return ctx.store.insertEvent(ctx.company.id, { documentId: doc.id, tpEvento: p.tpEvento, nSeq: p.nSeq, ...fields });
}

/**
 * Builds, signs, stores (before sending) and transmits one event of the document. `stored` when the
 * same event is already registered or in flight. Used by EnvioEvento and by the discard job.
 */
export async function issueEvent(
  ctx: CompanyContext, doc: DocumentRecord, p: EventPlan, opts: { requestXml: string | null; dhEvento?: string },
): Promise<{ doc: DocumentRecord; ev: EventRecord } | { stored: EventRecord }> {
  const cert = await ctx.certificate();
  const unsigned = evento({
    cOrgao: ufCode(docUf(ctx, doc)), tpAmb: doc.tpAmb, cnpj: ctx.company.cnpj, chNFe: doc.chave!,
    dhEvento: opts.dhEvento ?? formatDateTime(ctx.now(), ctx.offset),
    tpEvento: p.tpEvento, nSeqEvento: p.nSeq, detEventoInnerXml: p.det,
  });
  const signed = await signXml(unsigned, { tag: 'infEvento', keyPem: cert.cert.keyPem, certPem: cert.cert.certPem });
  const persisted = await persistEvent(ctx, doc, p, signed, opts.requestXml);
  if ('stored' in persisted) return persisted;
  ctx.log.info('evento enviado', { tpEvento: p.tpEvento, nSeq: p.nSeq });
  return transmitEvent(ctx, doc, persisted, signed);
}

/**
 * Sends one stored, signed event and records SEFAZ's answer: registered (a cancellation also cancels
 * the document), rejected, or pending (105) on a transport failure. Also used to retry pending events.
 */
export async function transmitEvent(ctx: CompanyContext, doc: DocumentRecord, ev: EventRecord, signed: string): Promise<{ doc: DocumentRecord; ev: EventRecord }> {
  const { credentials } = await ctx.certificate();
  const uf = docUf(ctx, doc);
  // An NF-e authorised by an SVC has its events at that SVC (its key's tpEmis says which).
  const target = { uf, model: doc.model as Model, tpAmb: doc.tpAmb, authorizer: authorizerFor(uf, doc.model as Model, doc.tpEmis), log: ctx.log };
  let ret;
  try {
    ret = await ctx.sefaz.recepcaoEvento(target, credentials, { idLote: newIdLote(), signedEventoXmls: [signed] });
  } catch (err) {
    if (!(err instanceof SefazTransportError)) throw err;
    ev = (await ctx.store.updateEvent(ctx.company.id, ev.id, { status: 'pending', cStat: String(SitCodigo.pendente), xMotivo: TEXT.eventoPendente, lastError: err.message })) ?? ev;
    ctx.log.warn('evento pendente', { error: err.message });
    return { doc, ev };
  }
  const r = ret.retEventos[0];
  if (ret.cStat === '128' && r && REGISTERED.includes(r.cStat)) {
    return registered(ctx, doc, ev, { cStat: r.cStat, xMotivo: r.xMotivo, nProt: r.nProt, dhRegEvento: r.dhRegEvento, xmlProc: procEventoNFe(signed, r.raw) });
  }
  if (r?.cStat === DUPLICATE_EVENT) {
    // Sent before with an unknown fate (a pending retry): SEFAZ already holds it — adopt its record.
    const known = await registeredAtSefaz(ctx, target, credentials, doc, ev);
    if (known) return registered(ctx, doc, ev, known);
  }
  const cStat = r?.cStat ?? ret.cStat;
  const xMotivo = r?.xMotivo ?? ret.xMotivo;
  ev = (await ctx.store.updateEvent(ctx.company.id, ev.id, { status: 'rejected', cStat, xMotivo })) ?? ev;
  return { doc, ev };
}

interface RegisteredEvent { cStat: string; xMotivo: string; nProt?: string; dhRegEvento: string; xmlProc: string }

async function registered(ctx: CompanyContext, doc: DocumentRecord, ev: EventRecord, r: RegisteredEvent): Promise<{ doc: DocumentRecord; ev: EventRecord }> {
  ev = (await ctx.store.updateEvent(ctx.company.id, ev.id, {
    status: 'registered', cStat: r.cStat, xMotivo: r.xMotivo, nProt: r.nProt ?? null,
    dhReg: parseDateTime(r.dhRegEvento) ?? null, xmlProc: r.xmlProc, lastError: null,
  })) ?? ev;
  if (ev.tpEvento === TP_EVENTO.cancelamento || ev.tpEvento === TP_EVENTO.cancelamentoSubstituicao) {
    doc = (await ctx.store.updateDocument(ctx.company.id, doc.id, { docStatus: DOC_STATUS.CANCELADO, cStat: '101', xMotivo: 'Cancelamento de NF-e homologado' })) ?? doc;
  }
  return { doc, ev };
}

/** The event as SEFAZ registered it (consulta by key), or undefined when SEFAZ does not show it. */
async function registeredAtSefaz(ctx: CompanyContext, target: SefazTarget, credentials: SefazCredentials, doc: DocumentRecord, ev: EventRecord): Promise<RegisteredEvent | undefined> {
  if (!doc.chave) return undefined;
  try {
    const sit = await ctx.sefaz.consultaProtocolo(target, credentials, doc.chave);
    const found = sit.eventos.find((p) => p.retEvento.tpEvento === ev.tpEvento && Number(p.retEvento.nSeqEvento) === ev.nSeq && REGISTERED.includes(p.retEvento.cStat));
    return found && { ...found.retEvento, xmlProc: found.raw };
  } catch (err) {
    if (err instanceof SefazTransportError) return undefined;
    throw err;
  }
}

export async function processEvento(ctx: CompanyContext, req: DocumentRequest): Promise<DocumentResult> {
  let input: EventoInput;
  try {
    input = readEnvioEvento(req.documentXml);
  } catch (err) {
    if (err instanceof InputError || err instanceof XmlInputError) {
      return { modelo: req.modelo, replyXml: rejectionReply(req.modelo, SitCodigo.layout, `Erro no layout do evento: ${err.message}`) };
    }
    throw err;
  }
  const modelo = req.modelo || input.modelo;
  const model = modelCode(modelo);
  const ids = { numero: input.numero, serie: input.serie, chave: input.chave };
  if (model !== '55' && model !== '65') return { modelo, replyXml: rejectionReply(modelo, 999, TEXT.modeloNaoSuportado(modelo || '(não informado)'), ids) };

  let doc: DocumentRecord;
  let p: EventPlan;
  try {
    doc = await findDocument(ctx, input, model);
    ctx.log.add({ chave: doc.chave ?? undefined, numero: String(doc.numero), serie: String(doc.serie) });
    p = await plan(ctx, input, doc);
    await ctx.certificate();
  } catch (err) {
    if (err instanceof EventRefusal || err instanceof CertificateProblem) {
      return { modelo, replyXml: rejectionReply(modelo, err.code, err.message, ids) };
    }
    throw err;
  }

  const dhEvento = input.eveDh ? `${input.eveDh}${input.eveFuso ?? ctx.offset}` : undefined;
  const issued = await issueEvent(ctx, doc, p, { requestXml: req.documentXml, dhEvento });
  if ('stored' in issued) return { modelo, replyXml: eventReply(doc, issued.stored, ctx.offset) };
  const ev = issued.ev;
  doc = issued.doc;
  if (ev.status === 'pending') return { modelo, replyXml: eventReply(doc, ev, ctx.offset) };
  ctx.log.add({ cStat: ev.cStat ?? undefined });
  ctx.log.info('evento respondido', { tpEvento: p.tpEvento, cStat: ev.cStat });
  return { modelo: modeloName(doc.model), replyXml: eventReply(doc, ev, ctx.offset) };
}
