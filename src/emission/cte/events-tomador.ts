// The CT-e a tomador's events are about (cte.md §6.6, §6.7). The tomador is a company registered here
// that the CT-e of another company (a carrier) names as tomador; its ERP sends the 610110/610111 as its
// own EnvioEvento (CteCnpjEmissor: its CNPJ, so its access key and certificate apply) with the CT-e's
// ChaAcesso. The CT-e is not the tomador's document: on the first desacordo the gateway asks SEFAZ
// for it by key (with the tomador's certificate) and keeps a reference row for the tomador — outside
// its numbering — that holds the events and answers its consultas; 755 (author ≠ tomador) is SEFAZ's.
import { isValidChave } from '../../fiscal/chave';
import { parseDateTime } from '../../fiscal/datetime';
import { DOC_STATUS } from '../../fiscal/document-state';
import { ufFromCode } from '../../fiscal/ufs';
import { cteAuthorizerFor } from '../../sefaz/endpoints';
import { SefazTransportError } from '../../sefaz/errors';
import { StoreError, type DocumentRecord } from '../../store/port';
import type { CompanyContext } from '../context';
import type { Refusal } from '../document-type';
import { SitCodigo } from '../codes';

/** Whether the row is the company's reference to another company's CT-e (the key names another emitter). */
export function isForeign(ctx: CompanyContext, doc: DocumentRecord): boolean {
  return doc.chave !== null && doc.chave.slice(6, 20) !== ctx.company.cnpj;
}

/** The reference row of a CT-e SEFAZ shows authorised, inserted outside the company's numbering. */
async function reference(ctx: CompanyContext, chave: string, prot: { nProt?: string; dhRecbto?: string; xMotivo: string }): Promise<DocumentRecord | Refusal> {
  const [serie, numero] = [Number(chave.slice(22, 25)), Number(chave.slice(25, 34))];
  try {
    return await ctx.store.insertDocument(ctx.company.id, {
      tpAmb: ctx.tpAmb, model: '57', serie, numero, chave, tpEmis: chave.charAt(34), docStatus: DOC_STATUS.AUTORIZADO, stage: 'settled',
      cStat: '100', xMotivo: prot.xMotivo, nProt: prot.nProt ?? null, dhAut: (prot.dhRecbto === undefined ? undefined : parseDateTime(prot.dhRecbto)) ?? null,
    }, { sequence: false });
  } catch (err) {
    if (!(err instanceof StoreError) || err.code !== 'conflict') throw err;
    // A concurrent request kept it first; otherwise the série and number are one of the company's own CT-e.
    const kept = await ctx.store.findDocumentByChave(ctx.company.id, chave);
    return kept ?? {
      code: SitCodigo.layout,
      text: `CT-e ${chave} tem a série ${serie} e o número ${numero} de um CT-e desta empresa: registre o evento pelo portal da SEFAZ`,
    };
  }
}

/**
 * The CT-e of a tomador event: the company's row for the key (its own CT-e, or its reference to
 * another's); for a desacordo (`fetch`) the CT-e SEFAZ shows authorised, kept as a reference.
 */
export async function tomadorCte(ctx: CompanyContext, chave: string | undefined, o: { fetch: boolean }): Promise<DocumentRecord | Refusal> {
  if (!chave || !isValidChave(chave) || chave.slice(20, 22) !== '57') {
    return { code: SitCodigo.layout, text: `Erro no layout do evento: ChaAcesso "${chave ?? ''}" não é a chave de acesso de um CT-e` };
  }
  const found = await ctx.store.findDocumentByChave(ctx.company.id, chave);
  if (found) return found;
  if (!o.fetch) return { code: 866, text: `Rejeição: Esta empresa não registrou evento de Prestação do Serviço em Desacordo para o CT-e ${chave}` };
  const uf = ufFromCode(chave.slice(0, 2)) ?? ctx.company.uf;
  const { credentials } = await ctx.certificate();
  let sit;
  try {
    sit = await ctx.sefaz.cteConsulta({ uf, tpAmb: ctx.tpAmb, authorizer: cteAuthorizerFor(uf, chave.charAt(34)), log: ctx.log }, credentials, chave);
  } catch (err) {
    if (!(err instanceof SefazTransportError)) throw err;
    return { code: SitCodigo.naoTransmitido, text: `SEFAZ não respondeu à consulta do CT-e ${chave} (${err.message}); envie o evento novamente` };
  }
  if (sit.cStat === '101') return { code: 218, text: 'Rejeição: CT-e já está cancelado na base de dados da SEFAZ' };
  if (sit.cStat !== '100' || !sit.prot) return { code: sit.cStat, text: `Rejeição: ${sit.xMotivo}` };
  return reference(ctx, chave, sit.prot);
}
