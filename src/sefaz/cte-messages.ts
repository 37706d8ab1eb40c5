// Business messages of the CT-e 4.00 services (cte.md §2, §5, §6): minified, default namespace, element
// order of the PL_CTe_400 XSDs. The CT-e itself arrives signed from its renderer; eventoCTe is built
// here UNSIGNED (the signing module signs infEvento). Each event carries its own detEvento content.
import { escapeText } from '../xml/parse';
import type { EventoAutor } from './messages';

export const CTE_NS = 'http://www.portalfiscal.inf.br/cte';

type Num = string | number;

function el(name: string, value: Num): string {
  return `<${name}>${escapeText(String(value))}</${name}>`;
}

function optEl(name: string, value: Num | undefined): string {
  return value === undefined ? '' : el(name, value);
}

export function consSitCTe(tpAmb: string, chave: string): string {
  return `<consSitCTe xmlns="${CTE_NS}" versao="4.00">${el('tpAmb', tpAmb)}<xServ>CONSULTAR</xServ>${el('chCTe', chave)}</consSitCTe>`;
}

export function consStatServCTe(tpAmb: string, cUF: string): string {
  return `<consStatServCTe xmlns="${CTE_NS}" versao="4.00">${el('tpAmb', tpAmb)}${el('cUF', cUF)}<xServ>STATUS</xServ></consStatServCTe>`;
}

export const CTE_TP_EVENTO = {
  cartaCorrecao: '110110',
  cancelamento: '110111',
  epec: '110113',
  comprovanteEntrega: '110180',
  cancelamentoComprovanteEntrega: '110181',
  prestacaoDesacordo: '610110',
  cancelamentoPrestacaoDesacordo: '610111',
} as const;

export type CteEventoParams = EventoAutor & {
  /** IBGE code of the authorizer of the key's UF (cte.md §5.1, 677). */
  cOrgao: string;
  tpAmb: string;
  chCTe: string;
  dhEvento: string;
  tpEvento: string;
  nSeqEvento: Num;
  /** Content of detEvento: one ev… element (see the det… builders). */
  detEventoInnerXml: string;
};

/** `ID{tpEvento}{chCTe}{nSeqEvento 3}`: CT-e 4.00 pads the sequence to three digits (628). */
export function eventoCteId(tpEvento: string, chCTe: string, nSeqEvento: Num): string {
  return `ID${tpEvento}${chCTe}${String(Number(nSeqEvento)).padStart(3, '0')}`;
}

/** One event, no lote wrapper; nSeqEvento unpadded in its element. */
export function eventoCTe(p: CteEventoParams): string {
  const autor = 'cnpj' in p ? el('CNPJ', p.cnpj) : el('CPF', p.cpf);
  return (
    `<eventoCTe xmlns="${CTE_NS}" versao="4.00"><infEvento Id="${eventoCteId(p.tpEvento, p.chCTe, p.nSeqEvento)}">` +
    `${el('cOrgao', p.cOrgao)}${el('tpAmb', p.tpAmb)}${autor}${el('chCTe', p.chCTe)}${el('dhEvento', p.dhEvento)}` +
    `${el('tpEvento', p.tpEvento)}${el('nSeqEvento', String(Number(p.nSeqEvento)))}` +
    `<detEvento versaoEvento="4.00">${p.detEventoInnerXml}</detEvento></infEvento></eventoCTe>`
  );
}

/** 110111 Cancelamento (xJust 15–255). */
export function detCancCTe(p: { nProt: string; xJust: string }): string {
  return `<evCancCTe><descEvento>Cancelamento</descEvento>${el('nProt', p.nProt)}${el('xJust', p.xJust)}</evCancCTe>`;
}

/** Fixed text required by evCCeCTe_v4.00.xsd (the spelling without accents). */
export const CTE_CCE_XCONDUSO =
  'A Carta de Correcao e disciplinada pelo Art. 58-B do CONVENIO/SINIEF 06/89: Fica permitida a utilizacao de carta de ' +
  'correcao, para regularizacao de erro ocorrido na emissao de documentos fiscais relativos a prestacao de servico de ' +
  'transporte, desde que o erro nao esteja relacionado com: I - as variaveis que determinam o valor do imposto tais como: ' +
  'base de calculo, aliquota, diferenca de preco, quantidade, valor da prestacao;II - a correcao de dados cadastrais que ' +
  'implique mudanca do emitente, tomador, remetente ou do destinatario;III - a data de emissao ou de saida.';

export interface CteCorrecao {
  grupoAlterado: string;
  campoAlterado: string;
  valorAlterado: string;
  /** 1–99, for repeating groups. */
  nroItemAlterado?: Num;
}

/** 110110 Carta de Correção: every correction in force (each new CC-e repeats the earlier ones). */
export function detCCeCTe(correcoes: readonly CteCorrecao[]): string {
  const items = correcoes.map((c) =>
    `<infCorrecao>${el('grupoAlterado', c.grupoAlterado)}${el('campoAlterado', c.campoAlterado)}` +
    `${el('valorAlterado', c.valorAlterado)}${optEl('nroItemAlterado', c.nroItemAlterado)}</infCorrecao>`);
  return `<evCCeCTe><descEvento>Carta de Correcao</descEvento>${items.join('')}${el('xCondUso', CTE_CCE_XCONDUSO)}</evCCeCTe>`;
}

export interface ComprovanteEntrega {
  /** Authorisation protocol of the CT-e. */
  nProt: string;
  dhEntrega: string;
  nDoc: string;
  xNome: string;
  /** Exactly 6 decimals (TLatitude/TLongitude). */
  latitude?: string;
  longitude?: string;
  hashEntrega: string;
  dhHashEntrega: string;
  chNFe?: readonly string[];
}

/** 110180 Comprovante de Entrega (cte.md §6.4). */
export function detCECTe(p: ComprovanteEntrega): string {
  return (
    `<evCECTe><descEvento>Comprovante de Entrega do CT-e</descEvento>${el('nProt', p.nProt)}${el('dhEntrega', p.dhEntrega)}` +
    `${el('nDoc', p.nDoc)}${el('xNome', p.xNome)}${optEl('latitude', p.latitude)}${optEl('longitude', p.longitude)}` +
    `${el('hashEntrega', p.hashEntrega)}${el('dhHashEntrega', p.dhHashEntrega)}` +
    `${(p.chNFe ?? []).map((k) => `<infEntrega>${el('chNFe', k)}</infEntrega>`).join('')}</evCECTe>`
  );
}

/** 110181 Cancelamento do Comprovante de Entrega, by the comprovante's protocol. */
export function detCancCECTe(p: { nProt: string; nProtCE: string }): string {
  return `<evCancCECTe><descEvento>Cancelamento do Comprovante de Entrega do CT-e</descEvento>${el('nProt', p.nProt)}${el('nProtCE', p.nProtCE)}</evCancCECTe>`;
}

/** 610110 Prestação do Serviço em Desacordo (the tomador's; xObs 15–255, mandatory in the XSD). */
export function detPrestDesacordo(p: { xObs: string }): string {
  return `<evPrestDesacordo><descEvento>Prestacao do Servico em Desacordo</descEvento><indDesacordoOper>1</indDesacordoOper>${el('xObs', p.xObs)}</evPrestDesacordo>`;
}

/** 610111 Cancelamento da Prestação em Desacordo, by the 610110's protocol. */
export function detCancPrestDesacordo(p: { nProtEvPrestDes: string }): string {
  return `<evCancPrestDesacordo><descEvento>Cancelamento Prestacao do Servico em Desacordo</descEvento>${el('nProtEvPrestDes', p.nProtEvPrestDes)}</evCancPrestDesacordo>`;
}

export interface CteEpecParams {
  xJust: string;
  vICMS: string;
  vICMSST?: string;
  vTPrest: string;
  vCarga: string;
  toma: { toma: '0' | '1' | '2' | '3' | '4'; UF: string; CNPJ?: string; CPF?: string; IE?: string };
  modal: string;
  UFIni: string;
  UFFim: string;
  dhEmi: string;
}

/** 110113 EPEC, sent to the SVC of the UF (cte.md §6.3); tpCTe is always 0. */
export function detEPECCTe(p: CteEpecParams): string {
  const t = p.toma;
  const tomaId = t.CNPJ !== undefined ? el('CNPJ', t.CNPJ) : el('CPF', t.CPF ?? '');
  return (
    `<evEPECCTe><descEvento>EPEC</descEvento>${el('xJust', p.xJust)}${el('vICMS', p.vICMS)}${optEl('vICMSST', p.vICMSST)}` +
    `${el('vTPrest', p.vTPrest)}${el('vCarga', p.vCarga)}<toma4>${el('toma', t.toma)}${el('UF', t.UF)}${tomaId}${optEl('IE', t.IE)}</toma4>` +
    `${el('modal', p.modal)}${el('UFIni', p.UFIni)}${el('UFFim', p.UFFim)}<tpCTe>0</tpCTe>${el('dhEmi', p.dhEmi)}</evEPECCTe>`
  );
}
