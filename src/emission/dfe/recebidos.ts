// Consulta with EmitidoRecebido R ("Recebidos", issue 15 §3): the NF-e and CT-e the company received,
// answered from what the DF-e capture stored (each key's best document: the full one once it arrived),
// by key, série and number range, supplier, emission and inclusion dates and status, in the consulta
// reply the emitted documents use. Never the company's own documents. Eventos: the key's captured events
// (the supplier's cancellation, CC-e …) and the company's own manifestações, which live on its reference
// row of the key (emission/manifestacao/received.ts) — a key only manifested, never captured, is not
// a received document here.
import type { ConsultaEntry, ConsultaEvent, DocumentResult } from '../../invoicy/types';
import { DOC_STATUS, type DocStatus } from '../../fiscal/document-state';
import type { DfeDocumentQuery, DfeDocumentRecord, DfeModel, DfeSituation } from '../../store/port';
import type { CompanyContext } from '../context';
import { localDate } from '../consulta-dates';
import { SitCodigo, TEXT } from '../codes';
import { InputError, type ConsultaInput } from '../inputs';
import { DFE_MODELS, keyNumber, optedIn } from './distributed';

const MAX_RESULTS = 100;

function message(modelo: string, code: number, text: string): DocumentResult {
  return { kind: 'consulta', modelo, code, text, requestCode: 100, entries: [] };
}
const EVENT_ROOTS = ['procEventoNFe', 'resEvento', 'procEventoCTe'];

const STATUS_SITUATION: Readonly<Record<number, DfeSituation>> = { [DOC_STATUS.AUTORIZADO]: 'authorized', [DOC_STATUS.CANCELADO]: 'cancelled', [DOC_STATUS.DENEGADO]: 'denied' };
const SITUATION: Record<DfeSituation, { docStatus: DocStatus; code: string; text: (label: string) => string }> = {
  authorized: { docStatus: DOC_STATUS.AUTORIZADO, code: '100', text: (l) => `Autorizado o uso da ${l}` },
  cancelled: { docStatus: DOC_STATUS.CANCELADO, code: '101', text: (l) => `Cancelamento de ${l} homologado` },
  denied: { docStatus: DOC_STATUS.DENEGADO, code: '110', text: () => 'Uso Denegado' },
};

/** First text of an element in a captured XML (read leniently, as the capture stores it). */
function tag(xml: string, name: string): string | undefined {
  return new RegExp(`<(?:\\w+:)?${name}>([^<]*)</`).exec(xml)?.[1]?.trim() || undefined;
}

function date(text: string | undefined): Date | undefined {
  const d = text ? new Date(text) : undefined;
  return d && !Number.isNaN(d.getTime()) ? d : undefined;
}

function filterOf(ctx: CompanyContext, input: ConsultaInput, model: DfeModel): DfeDocumentQuery | undefined {
  const filter: DfeDocumentQuery = { model, bestOnly: true, limit: MAX_RESULTS };
  let asked = false;
  if (input.chave) [filter.chave, asked] = [input.chave, true];
  if (input.numeroInicial !== undefined || input.numeroFinal !== undefined) {
    if (input.serie === undefined) throw new InputError('Serie: obrigatória na consulta por faixa de números');
    filter.numeroFrom = input.numeroInicial ?? input.numeroFinal;
    filter.numeroTo = input.numeroFinal ?? input.numeroInicial;
    asked = true;
  }
  if (input.serie !== undefined) filter.serie = input.serie;
  if (input.cnpjEmissor && input.cnpjEmissor !== ctx.company.cnpj) filter.emitterDoc = input.cnpjEmissor;
  filter.emittedFrom = localDate(input.emissaoInicial, ctx.offset, false, 'DataEmissaoInicial');
  filter.emittedTo = localDate(input.emissaoFinal, ctx.offset, true, 'DataEmissaoFinal');
  filter.receivedFrom = localDate(input.inclusaoInicial, ctx.offset, false, 'DataInclusaoInicial');
  filter.receivedTo = localDate(input.inclusaoFinal, ctx.offset, true, 'DataInclusaoFinal');
  asked ||= [filter.emittedFrom, filter.emittedTo, filter.receivedFrom, filter.receivedTo].some((d) => d !== undefined);
  if (input.statusDocumento?.length) {
    const situations = input.statusDocumento.map((s) => STATUS_SITUATION[s]).filter((s) => s !== undefined);
    // A received document is only ever authorised, cancelled or denied.
    if (!situations.length) return undefined;
    filter.situation = situations;
    asked = true;
  }
  if (!asked && filter.serie === undefined) {
    throw new InputError('informe ChaveAcesso, faixa de números (NumeroInicial/NumeroFinal/Serie), datas de emissão ou inclusão, ou StatusDocumento');
  }
  return filter;
}

async function eventsOf(ctx: CompanyContext, model: DfeModel, chave: string, withXml: boolean): Promise<ConsultaEvent[]> {
  const captured = await ctx.store.queryDfeDocuments(ctx.company.id, { model, chave, roots: EVENT_ROOTS, limit: MAX_RESULTS });
  const events: ConsultaEvent[] = captured.map((e) => ({
    tpEvento: e.tpEvento ?? '', nSeq: Number(tag(e.xml, 'nSeqEvento') ?? '1'),
    // A resEvento is the summary of a registered event.
    code: e.root === 'resEvento' ? '135' : tag(e.xml.slice(e.xml.search(/<(\w+:)?retEvento/)), 'cStat') ?? '135',
    protocol: tag(e.xml, 'nProt'), dhReg: date(tag(e.xml, 'dhRegEvento') ?? tag(e.xml, 'dhRecbto')),
    ...(withXml ? { xml: e.xml } : {}),
  }));
  const reference = await ctx.store.findDocumentByChave(ctx.company.id, chave);
  const own = reference ? await ctx.store.listEvents(ctx.company.id, reference.id) : [];
  return [...events, ...own.map((ev) => ({
    tpEvento: ev.tpEvento, nSeq: ev.nSeq, code: ev.cStat ?? '', protocol: ev.nProt ?? undefined, dhReg: ev.dhReg ?? undefined,
    ...(withXml ? { xml: ev.xmlProc ?? '' } : {}),
  }))];
}

async function entry(ctx: CompanyContext, input: ConsultaInput, modelo: string, model: DfeModel, d: DfeDocumentRecord): Promise<ConsultaEntry> {
  const chave = d.chave ?? '';
  const sit = SITUATION[d.situation ?? 'authorized'];
  const label = model === '55' ? 'NF-e' : 'CT-e';
  const { flags } = input;
  return {
    modelo, ...keyNumber(chave), chave, protocol: tag(d.xml, 'nProt'), code: sit.code, text: sit.text(label), docStatus: sit.docStatus, offset: ctx.offset,
    xml: flags.xmlCompleto ? d.xml : undefined,
    pdf: flags.pdf ? TEXT.pdfIndisponivel : undefined,
    summary: flags.situacao
      ? {
          dhEmi: d.dhEmi ?? undefined, digestValue: tag(d.xml, 'digVal') ?? tag(d.xml, 'DigestValue'), dhAut: date(tag(d.xml, 'dhRecbto')),
          emitterName: d.emitterName ?? '', destDoc: d.destDoc ?? ctx.company.cnpj, destName: ctx.company.name, totalValue: d.totalValue ?? undefined,
        }
      : undefined,
    events: flags.eventos ? await eventsOf(ctx, model, chave, flags.xmlCompleto) : [],
  };
}

export async function processRecebidos(ctx: CompanyContext, input: ConsultaInput, modelo: string): Promise<DocumentResult> {
  const model = DFE_MODELS[modelo] as DfeModel | undefined;
  if (!model) {
    return message(modelo, SitCodigo.naoDisponivel, `Consulta de documentos recebidos de ${modelo || 'modelo não informado'} não disponível: só NF-e e CT-e são distribuídos pelo Ambiente Nacional`);
  }
  const opted = await optedIn(ctx, model);
  if ('refusal' in opted) return message(modelo, SitCodigo.naoDisponivel, opted.refusal);
  let filter: DfeDocumentQuery | undefined;
  try {
    filter = filterOf(ctx, input, model);
  } catch (err) {
    if (err instanceof InputError) return message(modelo, SitCodigo.layout, `Erro no layout da consulta: ${err.message}`);
    throw err;
  }
  const docs = filter ? await ctx.store.queryDfeDocuments(ctx.company.id, filter) : [];
  if (docs.length === 0) return message(modelo, SitCodigo.consultaNaoLocalizado, TEXT.naoLocalizado);
  const entries = await Promise.all(docs.map((d) => entry(ctx, input, modelo, model, d)));
  return { kind: 'consulta', modelo, code: entries[0].code, text: entries[0].text, requestCode: 100, entries };
}
