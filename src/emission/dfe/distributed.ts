// A captured DF-e document as the ERP's requests see it: the number and série read from its key, the
// InvoiCy DocTipoArquivo of its root element, and the company's opt-in check both requests share.
import type { DistributedDocument } from '../../invoicy/types';
import type { DfeDocumentRecord, DfeModel, DfeStateRecord } from '../../store/port';
import type { CompanyContext } from '../context';

/** DocTipoArquivo: 1 resumo, 2 documento completo, 3 resumo de evento, 4 evento completo. */
const TIPO_ARQUIVO: Readonly<Record<string, DistributedDocument['tipoArquivo']>> = {
  resNFe: 1, nfeProc: 2, cteProc: 2, resEvento: 3, procEventoNFe: 4, procEventoCTe: 4,
};

export const DFE_MODELS: Readonly<Record<string, DfeModel>> = { NFe: '55', CTe: '57' };

/** Série and number of a key (positions 23–25 and 26–34). */
export function keyNumber(chave: string): { serie: number; numero: number } {
  return { serie: Number(chave.slice(22, 25)), numero: Number(chave.slice(25, 34)) };
}

export function distributed(d: DfeDocumentRecord): DistributedDocument {
  const chave = d.chave ?? '';
  return {
    // An event's author is not the document's emitter: the key names it.
    cnpjEmitente: d.rank > 0 && d.emitterDoc ? d.emitterDoc : chave.slice(6, 20),
    ...keyNumber(chave),
    chave,
    nsu: d.nsu ?? '',
    tipoArquivo: TIPO_ARQUIVO[d.root] ?? (d.rank > 0 ? 2 : 4),
    xml: d.xml,
  };
}

/** The company's position in the model's capture, or the refusal of a company that has not opted in. */
export async function optedIn(ctx: CompanyContext, model: DfeModel): Promise<{ state: DfeStateRecord } | { refusal: string }> {
  const state = await ctx.store.getDfeState(ctx.company.id, model);
  if (state?.enabled) return { state };
  const cnpj = ctx.company.cnpj;
  return {
    refusal: `Distribuição DF-e de ${model === '55' ? 'NF-e' : 'CT-e'} não habilitada para a empresa ${cnpj}: habilite a captura com ` +
      `"fiscal-gateway company dfe --cnpj ${cnpj} --model ${model} on" (nenhum outro sistema deve consultar a distribuição deste CNPJ)`,
  };
}
