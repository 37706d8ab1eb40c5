// Inutilização (contract §11.4): voids a number range of the company. Refused before SEFAZ when the
// store holds a used number in the range; the range is stored (blocking its numbers) before sending
// and its numbers are never handed out again once SEFAZ homologates it (102). A kind without the
// service (CT-e 4.00, cte.md §1) closes the range in the gateway's numbering only, and says so.
import { inutNFe } from '../sefaz/messages';
import { procInutNFe } from '../sefaz/proc';
import { SefazTransportError } from '../sefaz/errors';
import { signXml } from '../signing/xmldsig';
import { parseDateTime } from '../fiscal/datetime';
import { ufCode } from '../fiscal/ufs';
import { collapseText, freeTextProblem, inutilizacaoProblem } from '../fiscal/event-rules';
import { XmlInputError } from '../xml/parse';
import { type InutilizacaoRecord } from '../store/port';
import type { DocModel } from '../fiscal/document-state';
import { DOC_STATUS } from '../fiscal/document-state';
import type { DocumentRequest, DocumentResult } from '../invoicy/types';
import { CertificateProblem, type CompanyContext } from './context';
import { SitCodigo } from './codes';
import { InputError, readInutilizacao, type InutilizacaoInput } from './inputs';
import { inutilizacaoOutcome, modelCode, refusal } from './results';
import { documentTypeForModel, modelRefusal } from './document-types';

/** Numbers in these states are (or may be) used at SEFAZ: they can never be voided. */
const USED_STATUSES = [
  DOC_STATUS.PENDENTE, DOC_STATUS.AUTORIZADO, DOC_STATUS.NECESSITA_INTERACAO, DOC_STATUS.CANCELADO,
  DOC_STATUS.EPEC, DOC_STATUS.DENEGADO, DOC_STATUS.CONTINGENCIA_SVC,
];

export interface InutilizacaoRange {
  model: DocModel;
  serie: number;
  nIni: number;
  nFin: number;
  xJust: string;
}

/**
 * Signs, stores (pending, blocking its numbers) and sends one inutilização; 102 → authorised, and the
 * rejected documents of the range become Inutilizado. A transport failure leaves it pending (105).
 * Used by the Inutilizacao request and by the discard job.
 */
export async function sendInutilizacao(ctx: CompanyContext, range: InutilizacaoRange, cert: Awaited<ReturnType<CompanyContext['certificate']>>): Promise<InutilizacaoRecord> {
  const { model, serie, nIni, nFin, xJust } = range;
  const uf = ctx.company.uf;
  const unsigned = inutNFe({
    tpAmb: ctx.tpAmb, cUF: ufCode(uf), ano: String(ctx.now().getFullYear()).slice(-2), cnpj: ctx.company.cnpj, mod: model,
    serie, nNFIni: nIni, nNFFin: nFin, xJust,
  });
  const signed = await signXml(unsigned, { tag: 'infInut', keyPem: cert.cert.keyPem, certPem: cert.cert.certPem });
  let inut: InutilizacaoRecord = await ctx.store.insertInutilizacao(ctx.company.id, {
    tpAmb: ctx.tpAmb, model, serie, nIni, nFin, justificativa: xJust, status: 'pending',
  });
  ctx.log.info('inutilização enviada');

  let ret;
  try {
    ret = await ctx.sefaz.inutilizar({ uf, model, tpAmb: ctx.tpAmb, log: ctx.log }, cert.credentials, signed);
  } catch (err) {
    if (!(err instanceof SefazTransportError)) throw err;
    // Fate unknown: the range stays pending (its numbers blocked) until SEFAZ confirms.
    return (await ctx.store.updateInutilizacao(ctx.company.id, inut.id, { cStat: String(SitCodigo.pendente), xMotivo: `Inutilização pendente: ${err.message}` })) ?? inut;
  }
  if (ret.cStat === '102') {
    inut = (await ctx.store.updateInutilizacao(ctx.company.id, inut.id, {
      status: 'authorized', cStat: ret.cStat, xMotivo: ret.xMotivo, nProt: ret.nProt ?? null,
      dhReg: ret.dhRecbto ? parseDateTime(ret.dhRecbto) ?? null : null, xmlProc: procInutNFe(signed, ret.raw),
    })) ?? inut;
    await voidRejected(ctx, range);
    return inut;
  }
  return (await ctx.store.updateInutilizacao(ctx.company.id, inut.id, { status: 'rejected', cStat: ret.cStat, xMotivo: ret.xMotivo })) ?? inut;
}

/** The rejected documents of a voided range are void for good. */
async function voidRejected(ctx: CompanyContext, range: InutilizacaoRange): Promise<void> {
  const rejected = await ctx.store.queryDocuments(ctx.company.id, {
    tpAmb: ctx.tpAmb, model: range.model, serie: range.serie, numeroFrom: range.nIni, numeroTo: range.nFin, docStatus: [DOC_STATUS.REJEITADO], limit: 1000,
  });
  for (const d of rejected) await ctx.store.updateDocument(ctx.company.id, d.id, { docStatus: DOC_STATUS.INUTILIZADO });
}

/**
 * A kind without inutilização at SEFAZ: the range (no number of it ever authorised or in flight) is
 * closed in the gateway's numbering — never handed out again, its rejected documents Inutilizado —
 * without protocol or XML. 102 tells the ERP the numbers are settled; the text says how. Used by the
 * Inutilizacao request and by the discard job.
 */
export async function closeLocally(ctx: CompanyContext, label: string, range: InutilizacaoRange): Promise<InutilizacaoRecord> {
  const numbers = range.nIni === range.nFin ? `número ${range.nIni}` : `números ${range.nIni} a ${range.nFin}`;
  const inut = await ctx.store.insertInutilizacao(ctx.company.id, {
    tpAmb: ctx.tpAmb, model: range.model, serie: range.serie, nIni: range.nIni, nFin: range.nFin, justificativa: range.xJust,
    status: 'authorized', cStat: '102',
    xMotivo: `${label} sem serviço de inutilização na SEFAZ: ${numbers} da série ${range.serie}, nunca autorizados, encerrados na numeração deste serviço (sem protocolo da SEFAZ)`,
  });
  await voidRejected(ctx, range);
  ctx.log.info('inutilização local: números encerrados sem serviço da SEFAZ');
  return inut;
}

export async function processInutilizacao(ctx: CompanyContext, req: DocumentRequest): Promise<DocumentResult> {
  let input: InutilizacaoInput;
  try {
    input = readInutilizacao(req.documentXml);
  } catch (err) {
    if (err instanceof InputError || err instanceof XmlInputError) {
      return refusal(req.modelo, SitCodigo.layout, `Erro no layout da inutilização: ${err.message}`);
    }
    throw err;
  }
  const modelo = req.modelo || input.modelo;
  const model = modelCode(modelo);
  const ids = { numero: `${input.nIni}-${input.nFin}`, serie: input.serie };
  const refuse = (code: number | string, text: string): DocumentResult => refusal(modelo, code, text, ids);
  const type = model && documentTypeForModel(model);
  if (!model || !type) {
    const r = modelRefusal(modelo);
    return refuse(r.code, r.text);
  }
  if (input.tpAmb && input.tpAmb !== ctx.tpAmb) return refuse(252, `Rejeição: ambiente informado (tpAmb ${input.tpAmb}) diverge do ambiente da empresa (tpAmb ${ctx.tpAmb})`);
  // What SEFAZ's schema would refuse is answered here, without a call.
  const xJust = collapseText(input.justificativa);
  const problem = freeTextProblem(xJust, 'Justificativa', 15, 255) ?? inutilizacaoProblem(input);
  if (problem) return refuse(SitCodigo.layout, `Erro no layout da inutilização: ${problem}`);
  ctx.log.add({ serie: String(input.serie), numero: `${input.nIni}-${input.nFin}` });

  const used = await ctx.store.queryDocuments(ctx.company.id, {
    tpAmb: ctx.tpAmb, model, serie: input.serie, numeroFrom: input.nIni, numeroTo: input.nFin, docStatus: USED_STATUSES, limit: 10,
  });
  if (used.length > 0 && type.inutilizacao === 'local') {
    return refuse(241, `Rejeição: ${type.label} sem serviço de inutilização na SEFAZ e a faixa contém número já transmitido ou autorizado (${used.map((d) => d.numero).join(', ')}); um ${type.label} autorizado deve ser cancelado`);
  }
  if (used.length > 0) {
    return refuse(241, `Rejeição: faixa contém número já utilizado (${used.map((d) => d.numero).join(', ')}); não é possível inutilizar`);
  }
  const range = { model, serie: input.serie, nIni: input.nIni, nFin: input.nFin, xJust };
  if (type.inutilizacao === 'local') return inutilizacaoOutcome(await closeLocally(ctx, type.label, range), ctx.offset);
  let cert;
  try {
    cert = await ctx.certificate();
  } catch (err) {
    if (err instanceof CertificateProblem) return refuse(err.code, err.message);
    throw err;
  }

  const inut = await sendInutilizacao(ctx, range, cert);
  ctx.log.add({ cStat: inut.cStat ?? undefined });
  ctx.log.info('inutilização respondida', { cStat: inut.cStat });
  return inutilizacaoOutcome(inut, ctx.offset);
}
