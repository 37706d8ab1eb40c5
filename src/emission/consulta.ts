// Consulta (contract §11.5): the company's own documents by key, number range, emission or
// inclusion dates and DocStatus, answered from the store with the §9.2 fields. Nothing found →
// DocSitCodigo 117 "Nenhum documento localizado" in one consulta document (document level: the
// request itself was fine, and the SOAP contract keeps request codes to 100/108/109 here).
import type { DocumentRequest, DocumentResult } from '../invoicy/types';
import { RECEIVED_SERIE, type DocumentQuery, type DocumentRecord } from '../store/port';
import type { DocModel, DocStatus } from '../fiscal/document-state';
import { XmlInputError } from '../xml/parse';
import type { CompanyContext } from './context';
import { SitCodigo, TEXT } from './codes';
import { modelRefusal } from './document-types';
import { InputError, readConsulta, type ConsultaInput } from './inputs';
import { consultaEntry, modelCode } from './results';
import { processRecebidos } from './dfe/recebidos';
import { localDate } from './consulta-dates';

const MAX_RESULTS = 100;

function message(modelo: string, code: number, text: string): DocumentResult {
  return { kind: 'consulta', modelo, code, text, requestCode: 100, entries: [] };
}

async function find(ctx: CompanyContext, input: ConsultaInput, model: DocModel): Promise<DocumentRecord[]> {
  const tpAmb = input.tpAmb === '1' || input.tpAmb === '2' ? input.tpAmb : ctx.tpAmb;
  if (input.chave) {
    const doc = await ctx.store.findDocumentByChave(ctx.company.id, input.chave);
    return doc && doc.tpAmb === tpAmb && doc.serie !== RECEIVED_SERIE ? [doc] : [];
  }
  const filter: DocumentQuery = { ownOnly: true, tpAmb, model, limit: MAX_RESULTS };
  if (input.numeroInicial !== undefined || input.numeroFinal !== undefined) {
    if (input.serie === undefined) throw new InputError('Serie: obrigatória na consulta por faixa de números');
    filter.serie = input.serie;
    filter.numeroFrom = input.numeroInicial ?? input.numeroFinal;
    filter.numeroTo = input.numeroFinal ?? input.numeroInicial;
  } else if (input.serie !== undefined) {
    filter.serie = input.serie;
  }
  filter.emissionFrom = localDate(input.emissaoInicial, ctx.offset, false, 'DataEmissaoInicial');
  filter.emissionTo = localDate(input.emissaoFinal, ctx.offset, true, 'DataEmissaoFinal');
  filter.includedFrom = localDate(input.inclusaoInicial, ctx.offset, false, 'DataInclusaoInicial');
  filter.includedTo = localDate(input.inclusaoFinal, ctx.offset, true, 'DataInclusaoFinal');
  if (input.statusDocumento?.length) filter.docStatus = input.statusDocumento as DocStatus[];
  const filtered = Object.entries(filter).filter(([k, v]) => v !== undefined && !['ownOnly', 'tpAmb', 'model', 'limit'].includes(k));
  if (filtered.length === 0) {
    throw new InputError('informe ChaveAcesso, faixa de números (NumeroInicial/NumeroFinal/Serie), datas de emissão ou inclusão, ou StatusDocumento');
  }
  return ctx.store.queryDocuments(ctx.company.id, filter);
}

export async function processConsulta(ctx: CompanyContext, req: DocumentRequest): Promise<DocumentResult> {
  let input: ConsultaInput;
  try {
    input = readConsulta(req.documentXml, req.parametrosXml);
  } catch (err) {
    if (err instanceof InputError || err instanceof XmlInputError) return message(req.modelo, SitCodigo.layout, `Erro no layout da consulta: ${err.message}`);
    throw err;
  }
  const modelo = req.modelo || input.modelo;
  // Received documents come from the DF-e capture, never from the company's own (issued) rows.
  if (input.recebidos) return processRecebidos(ctx, input, modelo);
  const model = modelCode(modelo);
  if (!model) {
    const r = modelRefusal(modelo);
    return message(modelo, r.code, r.text);
  }
  let docs: DocumentRecord[];
  try {
    docs = await find(ctx, input, model);
  } catch (err) {
    if (err instanceof InputError) return message(modelo, SitCodigo.layout, `Erro no layout da consulta: ${err.message}`);
    throw err;
  }
  if (docs.length === 0) return message(modelo, SitCodigo.consultaNaoLocalizado, TEXT.naoLocalizado);
  const entries = await Promise.all(
    docs.map(async (doc) => {
      const events = input.flags.eventos ? await ctx.store.listEvents(ctx.company.id, doc.id) : [];
      // The XML is read only when the ERP asks for it (records carry none).
      const xml = input.flags.xmlCompleto ? await ctx.store.getDocumentXml(ctx.company.id, doc.id, ['xmlProc']) : undefined;
      return consultaEntry(doc, xml?.xmlProc, events, input.flags, ctx.offset, ctx.company.name);
    }),
  );
  return { kind: 'consulta', modelo, code: entries[0].code, text: entries[0].text, requestCode: 100, entries };
}
