// InvoiCy's DistribuicaoDFe ("Consulta Distribuição DFE", NF-e and CT-e) answered from what the DF-e
// capture stored (issue 15 §3) — never by a distNSU of its own: the capture's sweep is the one consumer
// of the CNPJ. UsarUltimoNSU S: the captured documents after UltimoNSU (fiscal/dfe-answers.ts pages
// them); N: the one NSUEspecifico; chaAcesso: the key's best document, or for an NF-e not captured one
// on-demand consChNFe within the capture's key budget (distribution/on-demand.ts).
import { distributionPage, PAGE_SIZE } from '../../fiscal/dfe-answers';
import { pad15 } from '../../fiscal/dfe-sweep';
import { formatDateTime } from '../../fiscal/datetime';
import { isValidChave } from '../../fiscal/chave';
import { lookupKey, type OnDemandOutcome } from '../../distribution/on-demand';
import { sefazDistributionSource } from '../../distribution/sefaz-source';
import type { DistributedDocument, DocumentRequest, DocumentResult } from '../../invoicy/types';
import type { DfeModel, DfeStateRecord } from '../../store/port';
import { XmlInputError } from '../../xml/parse';
import { CertificateProblem, type CompanyContext } from '../context';
import { SitCodigo } from '../codes';
import { InputError, readDistribuicaoDFe, type DistribuicaoInput } from '../inputs';
import { DFE_MODELS, distributed, optedIn } from './distributed';

const FOUND = { code: '138', text: 'Documento(s) localizado(s)' };
const NOTHING = 'Nenhum documento localizado';

interface Cursor {
  ultimoNSU: string;
  maximoNSU: string;
}

function answer(modelo: string, code: number | string, text: string, cursor: Cursor = { ultimoNSU: '', maximoNSU: '' }, documents: DistributedDocument[] = []): DocumentResult {
  return { kind: 'distribuicao', modelo, code, text, requestCode: 100, ...cursor, documents };
}

export async function processDistribuicao(ctx: CompanyContext, req: DocumentRequest): Promise<DocumentResult> {
  let input: DistribuicaoInput;
  try {
    input = readDistribuicaoDFe(req.documentXml);
  } catch (err) {
    if (err instanceof InputError || err instanceof XmlInputError) return answer(req.modelo, SitCodigo.layout, `Erro no layout da DistribuicaoDFe: ${err.message}`);
    throw err;
  }
  const modelo = req.modelo || input.modelo;
  const model = DFE_MODELS[modelo] as DfeModel | undefined;
  if (!model) {
    return answer(modelo, SitCodigo.naoDisponivel, `Distribuição DF-e de ${modelo || 'modelo não informado'} não suportada por este serviço: informe ModeloDocumento NFe ou CTe`);
  }
  if (input.tpAmb && input.tpAmb !== ctx.tpAmb) return answer(modelo, 252, `Rejeição: ambiente informado (tpAmb ${input.tpAmb}) diverge do ambiente da empresa (tpAmb ${ctx.tpAmb})`);
  const opted = await optedIn(ctx, model);
  if ('refusal' in opted) return answer(modelo, SitCodigo.naoDisponivel, opted.refusal);
  const { state } = opted;
  const position = { ultimoNSU: state.ultNSU, maximoNSU: state.maxNSU };

  if (input.chave !== undefined) return byKey(ctx, modelo, model, input.chave, position);
  if (input.usarUltimoNSU === false) {
    if (input.nsuEspecifico === undefined) return answer(modelo, SitCodigo.layout, 'Erro no layout da DistribuicaoDFe: NSUEspecifico obrigatório quando UsarUltimoNSU = N');
    return oneNsu(ctx, modelo, model, input.nsuEspecifico, state);
  }
  return page(ctx, modelo, model, Number(input.ultimoNSU ?? '0'), state);
}

/** UsarUltimoNSU S: the next page of the cursor. */
async function page(ctx: CompanyContext, modelo: string, model: DfeModel, after: number, state: DfeStateRecord): Promise<DocumentResult> {
  const pending = (await ctx.store.listDfeMissing(ctx.company.id, model, { status: ['pending'], after: pad15(after), limit: 1 }))[0];
  const lowestPending = pending ? Number(pending.nsu) : undefined;
  const docs = await ctx.store.queryDfeDocuments(ctx.company.id, {
    model, nsuFrom: pad15(after + 1), ...(lowestPending !== undefined ? { nsuTo: pad15(lowestPending - 1) } : {}), limit: PAGE_SIZE,
  });
  const p = distributionPage({ after, captured: docs.map((d) => Number(d.nsu)), lowestPending, position: Number(state.ultNSU), maxNSU: Number(state.maxNSU) });
  const cursor = { ultimoNSU: p.ultimoNSU, maximoNSU: p.maximoNSU };
  const waiting = p.waitingFor ? `; o NSU ${p.waitingFor} ainda está em recuperação no Ambiente Nacional e os documentos seguintes serão entregues depois dele: consulte novamente mais tarde` : '';
  if (p.nsus.length) return answer(modelo, FOUND.code, `${FOUND.text}${waiting}`, cursor, docs.slice(0, p.nsus.length).map(distributed));
  const behind = !waiting && Number(state.ultNSU) < Number(state.maxNSU)
    ? `; NSUs até ${state.maxNSU} ainda não capturados: a captura continua automaticamente, consulte novamente mais tarde`
    : '';
  return answer(modelo, '137', `${NOTHING}${waiting}${behind}`, cursor);
}

/** UsarUltimoNSU N: the one NSU, or why it is not there. */
async function oneNsu(ctx: CompanyContext, modelo: string, model: DfeModel, nsu: string, state: DfeStateRecord): Promise<DocumentResult> {
  const cursor = { ultimoNSU: nsu, maximoNSU: pad15(Math.max(Number(state.maxNSU), Number(state.ultNSU))) };
  const doc = (await ctx.store.queryDfeDocuments(ctx.company.id, { model, nsuFrom: nsu, nsuTo: nsu, limit: 1 }))[0];
  if (doc) return answer(modelo, FOUND.code, FOUND.text, cursor, [distributed(doc)]);
  const missing = (await ctx.store.listDfeMissing(ctx.company.id, model, { after: pad15(Number(nsu) - 1), limit: 1 }))[0];
  const why = missing?.nsu === nsu
    ? { pending: ': em recuperação no Ambiente Nacional, consulte novamente mais tarde', never_generated: ': não gerado para este CNPJ', expired: ': expirado (mais de 90 dias) sem ser recuperado', fetched: '' }[missing.status]
    : Number(nsu) > Number(state.ultNSU) ? `: ainda não capturado (a captura está no NSU ${state.ultNSU} e continua automaticamente)` : ': não distribuído a este CNPJ';
  return answer(modelo, '137', `${NOTHING} no NSU ${nsu}${why}`, cursor);
}

/** chaAcesso: the key's best captured document, else (NF-e) one on-demand consChNFe. */
async function byKey(ctx: CompanyContext, modelo: string, model: DfeModel, chave: string, cursor: Cursor): Promise<DocumentResult> {
  if (!isValidChave(chave)) return answer(modelo, 236, 'Rejeição: Chave de Acesso inválida (formato ou dígito verificador)', cursor);
  const found = await ctx.store.queryDfeDocuments(ctx.company.id, { model, chave, bestOnly: true, limit: 1 });
  if (found.length) return answer(modelo, FOUND.code, FOUND.text, cursor, found.map(distributed));
  if (model === '57') {
    return answer(modelo, '137', `${NOTHING}: CT-e ${chave} ainda não capturado; a distribuição de CT-e não tem consulta por chave, ele chega pela captura automática`, cursor);
  }
  try {
    await ctx.certificate();
  } catch (err) {
    if (err instanceof CertificateProblem) return answer(modelo, err.code, err.message, cursor);
    throw err;
  }
  const source = sefazDistributionSource((t, c, r) => ctx.sefaz.distribuicao(t, c, r), async () => (await ctx.certificate()).credentials);
  const outcome = await lookupKey({ store: ctx.store, source, options: ctx.deps.distribution, clock: ctx.deps.clock }, ctx.company, chave, ctx.log);
  return onDemandAnswer(ctx, modelo, outcome, cursor);
}

const CLOSED: Record<'blocked' | 'backoff' | 'hold' | 'cap', string> = {
  blocked: 'o Ambiente Nacional bloqueou as consultas deste CNPJ por uma hora (consumo indevido)',
  backoff: 'o Ambiente Nacional não respondeu às últimas consultas deste CNPJ',
  hold: 'a captura deste CNPJ aguarda o intervalo do Ambiente Nacional',
  cap: 'o limite de consultas por chave/NSU da última hora deste CNPJ foi atingido (20 por hora no Ambiente Nacional)',
};

function onDemandAnswer(ctx: CompanyContext, modelo: string, o: OnDemandOutcome, cursor: Cursor): DocumentResult {
  const later = (until: Date | null) => until ? `tente novamente após ${formatDateTime(until, ctx.offset)}` : 'tente novamente mais tarde';
  switch (o.kind) {
    case 'stored':
      return answer(modelo, FOUND.code, FOUND.text, cursor, o.documents.map(distributed));
    case 'not-found':
      return answer(modelo, '137', `${NOTHING}: o Ambiente Nacional não tem esta NF-e para este CNPJ`, cursor);
    case 'refused':
      return answer(modelo, o.cStat, o.xMotivo, cursor);
    case 'busy':
      return answer(modelo, SitCodigo.tenteMaisTarde, 'Consulta por chave não realizada: a captura DF-e deste CNPJ está consultando o Ambiente Nacional agora; tente novamente em 1 minuto', cursor);
    case 'closed':
      return answer(modelo, SitCodigo.tenteMaisTarde, `Consulta por chave não realizada: ${CLOSED[o.reason]}; ${later(o.until)}`, cursor);
    case 'failed':
      return answer(modelo, SitCodigo.tenteMaisTarde, `Consulta por chave sem resposta do Ambiente Nacional (${o.alert}); ${later(o.until)}`, cursor);
  }
}
