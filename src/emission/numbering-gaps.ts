// The numbering-gap report (issue 14 §4): the gaps of the company's séries (fiscal/numbering-gaps.ts
// over the store's one read), answered to InvoiCy's "Consultar Pulos de Numeração" and printed by
// `fiscal-gateway numbering gaps`. Only the calling company's séries are ever read.
import type { DocumentRequest, DocumentResult, NumberingGapsOutcome, SerieGapsEntry } from '../invoicy/types';
import type { DocModel } from '../fiscal/document-state';
import { formatGapNumbers, gapCount, serieGaps, type SerieGaps } from '../fiscal/numbering-gaps';
import { normalizeCnpj } from '../fiscal/cnpj';
import type { Store, TpAmb } from '../store/port';
import { XmlInputError } from '../xml/parse';
import type { CompanyContext } from './context';
import { SitCodigo } from './codes';
import { localDate } from './consulta-dates';
import { issuedModelos, modelOfModelo, modelRefusal } from './document-types';
import { InputError, readPuloNumeracao } from './inputs';
import { modeloName } from './results';

export interface GapReportQuery {
  tpAmb: TpAmb;
  models: DocModel[];
  serie?: number;
  /** Only gaps that appeared in this interval (the request's emission dates). */
  from?: Date;
  to?: Date;
}

/** The séries of the company that have gaps, with those gaps. */
export async function gapReport(store: Store, companyId: string, q: GapReportQuery): Promise<SerieGaps[]> {
  const facts = await store.numberingFacts(companyId, { tpAmb: q.tpAmb, models: q.models, serie: q.serie });
  return facts
    .map(serieGaps)
    .map((s) => ({ ...s, gaps: s.gaps.filter((g) => (!q.from || g.since >= q.from) && (!q.to || g.since <= q.to)) }))
    .filter((s) => s.gaps.length > 0);
}

/** Every model the gateway issues, when the request names none. */
export function issuedModels(): DocModel[] {
  return issuedModelos().map(modelOfModelo).filter((m): m is DocModel => m !== undefined);
}

function gapsText(count: number, serie: number): string {
  return `${count} ${count === 1 ? 'número faltando' : 'números faltando'} na série ${serie}`;
}

export const NO_GAPS_TEXT = 'Nenhum pulo de numeração encontrado';

export function gapEntry(cnpj: string, s: SerieGaps): SerieGapsEntry {
  const count = gapCount(s.gaps);
  return { cnpj, modelo: modeloName(s.model), serie: s.serie, count, numbers: formatGapNumbers(s.gaps), code: 100, text: gapsText(count, s.serie) };
}

export async function processPuloNumeracao(ctx: CompanyContext, req: DocumentRequest): Promise<DocumentResult> {
  const cnpj = ctx.company.cnpj;
  const answer = (modelo: string, code: number, text: string, serie?: number, entries: SerieGapsEntry[] = []): NumberingGapsOutcome =>
    ({ kind: 'gaps', modelo, cnpj, code, text, requestCode: 100, entries, ...(serie === undefined ? {} : { serie }) });
  try {
    const input = readPuloNumeracao(req.documentXml);
    // The layout lists the NFC-e module as "NFCe/SAT".
    const modelo = req.modelo || input.modelo?.replace(/\/SAT$/i, '') || '';
    const model = modelo ? modelOfModelo(modelo) : undefined;
    if (modelo && !model) {
      const r = modelRefusal(modelo);
      return answer(modelo, r.code, r.text, input.serie);
    }
    // Never another emitter's séries: the requester (CnpjEmpresa) is the authenticated company.
    if (input.emitente && normalizeCnpj(input.emitente) !== cnpj) {
      return answer(modelo, 173, `Consulta não processada: o emitente ${normalizeCnpj(input.emitente)} não é a empresa autenticada nesta chamada`, input.serie);
    }
    if (input.tpAmb && input.tpAmb !== ctx.tpAmb) {
      return answer(modelo, 252, `Rejeição: ambiente informado (tpAmb ${input.tpAmb}) diverge do ambiente da empresa (tpAmb ${ctx.tpAmb})`, input.serie);
    }
    const series = await gapReport(ctx.store, ctx.company.id, {
      tpAmb: ctx.tpAmb, models: model ? [model] : issuedModels(), serie: input.serie,
      from: localDate(input.dataInicial, ctx.offset, false, 'DataEmissaoInicial'), to: localDate(input.dataFinal, ctx.offset, true, 'DataEmissaoFinal'),
    });
    ctx.log.info('pulos de numeração consultados', { series: series.length });
    if (!series.length) return answer(modelo, 100, NO_GAPS_TEXT, input.serie);
    const entries = series.map((s) => gapEntry(cnpj, s));
    return answer(modelo || entries[0].modelo, 100, entries[0].text, input.serie, entries);
  } catch (err) {
    if (err instanceof InputError || err instanceof XmlInputError) return answer(req.modelo, SitCodigo.layout, `Erro no layout da consulta de pulos de numeração: ${err.message}`);
    throw err;
  }
}
