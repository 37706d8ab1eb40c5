// The detEvento contents of the CT-e events (cte.md §6, the ev*_v4.00.xsd schemas), minified and in
// schema order, for ./evento to wrap. The values come checked (../../../fiscal/cte rules, ./input);
// these functions only write them.
import type { Correcao } from '../../../fiscal/cte/cce';
import { el, opt } from './element';

/** 110111 Cancelamento (evCancCTe). */
export function detCancCte(p: { nProt: string; xJust: string }): string {
  return `<evCancCTe><descEvento>Cancelamento</descEvento>${el('nProt', p.nProt)}${el('xJust', p.xJust)}</evCancCTe>`;
}

/** Fixed legal text of the CT-e CC-e (evCCeCTe_v4.00.xsd enumeration, the spelling without accents). */
export const CTE_CCE_XCONDUSO =
  'A Carta de Correcao e disciplinada pelo Art. 58-B do CONVENIO/SINIEF 06/89: Fica permitida a ' +
  'utilizacao de carta de correcao, para regularizacao de erro ocorrido na emissao de documentos ' +
  'fiscais relativos a prestacao de servico de transporte, desde que o erro nao esteja relacionado com: ' +
  'I - as variaveis que determinam o valor do imposto tais como: base de calculo, aliquota, diferenca ' +
  'de preco, quantidade, valor da prestacao;II - a correcao de dados cadastrais que implique mudanca do ' +
  'emitente, tomador, remetente ou do destinatario;III - a data de emissao ou de saida.';

/** 110110 Carta de Correção (evCCeCTe): one infCorrecao per corrected field, earlier ones repeated. */
export function detCceCte(corrections: readonly Correcao[]): string {
  const inf = corrections.map((c) =>
    `<infCorrecao>${el('grupoAlterado', c.grupoAlterado)}${el('campoAlterado', c.campoAlterado)}${el('valorAlterado', c.valorAlterado)}` +
    `${opt('nroItemAlterado', c.nroItemAlterado)}</infCorrecao>`).join('');
  return `<evCCeCTe><descEvento>Carta de Correcao</descEvento>${inf}${el('xCondUso', CTE_CCE_XCONDUSO)}</evCCeCTe>`;
}

export interface ComprovanteEntrega {
  /** Authorisation protocol of the CT-e. */
  nProt: string;
  dhEntrega: string;
  nDoc: string;
  xNome: string;
  /** Already formatted with 6 decimals (../../../fiscal/cte/coordinates). */
  latitude?: string;
  longitude?: string;
  hashEntrega: string;
  dhHashEntrega: string;
  chNFe: readonly string[];
}

/** 110180 Comprovante de Entrega (evCECTe). */
export function detCeCte(p: ComprovanteEntrega): string {
  return (
    `<evCECTe><descEvento>Comprovante de Entrega do CT-e</descEvento>${el('nProt', p.nProt)}${el('dhEntrega', p.dhEntrega)}` +
    `${el('nDoc', p.nDoc)}${el('xNome', p.xNome)}${opt('latitude', p.latitude)}${opt('longitude', p.longitude)}` +
    `${el('hashEntrega', p.hashEntrega)}${el('dhHashEntrega', p.dhHashEntrega)}` +
    `${p.chNFe.map((k) => `<infEntrega>${el('chNFe', k)}</infEntrega>`).join('')}</evCECTe>`
  );
}

/** 110181 Cancelamento do Comprovante de Entrega (evCancCECTe): the CT-e's protocol and the comprovante's. */
export function detCancCeCte(p: { nProt: string; nProtCE: string }): string {
  return (
    `<evCancCECTe><descEvento>Cancelamento do Comprovante de Entrega do CT-e</descEvento>` +
    `${el('nProt', p.nProt)}${el('nProtCE', p.nProtCE)}</evCancCECTe>`
  );
}

/** xObs when the ERP sends no Observacao: mandatory in the XSD (15–255), optional in InvoiCy's layout. */
export const DEFAULT_DESACORDO_XOBS = 'Prestacao do servico em desacordo com o informado no CT-e';

/** 610110 Prestação do Serviço em Desacordo (evPrestDesacordo): indDesacordoOper 1, xObs always. */
export function detPrestDesacordo(p: { xObs?: string }): string {
  return (
    `<evPrestDesacordo><descEvento>Prestacao do Servico em Desacordo</descEvento><indDesacordoOper>1</indDesacordoOper>` +
    `${el('xObs', p.xObs ?? DEFAULT_DESACORDO_XOBS)}</evPrestDesacordo>`
  );
}

/** 610111 Cancelamento da Prestação do Serviço em Desacordo (evCancPrestDesacordo). */
export function detCancPrestDesacordo(p: { nProtEvPrestDes: string }): string {
  return (
    `<evCancPrestDesacordo><descEvento>Cancelamento Prestacao do Servico em Desacordo</descEvento>` +
    `${el('nProtEvPrestDes', p.nProtEvPrestDes)}</evCancPrestDesacordo>`
  );
}
