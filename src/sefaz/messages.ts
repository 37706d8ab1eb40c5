// Business messages sent to SEFAZ (sefaz-nfe.md §3): minified, default namespace, element order of
// the XSDs. inutNFe and evento come back UNSIGNED; the signing module signs infInut / infEvento.
import { escapeText } from '../xml/parse';
import { stripXmlDeclaration } from './xml-text';

export const NFE_NS = 'http://www.portalfiscal.inf.br/nfe';

type Num = string | number;

function el(name: string, value: Num): string {
  return `<${name}>${escapeText(String(value))}</${name}>`;
}

/** Lote of 1..50 signed NF-e; indSinc 1 only with exactly one NF-e (764). */
export function enviNFe(idLote: Num, indSinc: '0' | '1', signedNfeXmls: readonly string[]): string {
  return `<enviNFe xmlns="${NFE_NS}" versao="4.00">${el('idLote', idLote)}${el('indSinc', indSinc)}${signedNfeXmls.map(stripXmlDeclaration).join('')}</enviNFe>`;
}

export function consReciNFe(tpAmb: string, nRec: string): string {
  return `<consReciNFe xmlns="${NFE_NS}" versao="4.00">${el('tpAmb', tpAmb)}${el('nRec', nRec)}</consReciNFe>`;
}

export function consSitNFe(tpAmb: string, chave: string): string {
  return `<consSitNFe xmlns="${NFE_NS}" versao="4.00">${el('tpAmb', tpAmb)}<xServ>CONSULTAR</xServ>${el('chNFe', chave)}</consSitNFe>`;
}

export function consStatServ(tpAmb: string, cUF: string): string {
  return `<consStatServ xmlns="${NFE_NS}" versao="4.00">${el('tpAmb', tpAmb)}${el('cUF', cUF)}<xServ>STATUS</xServ></consStatServ>`;
}

export interface InutParams {
  tpAmb: string;
  cUF: string;
  /** Two-digit year (AA). */
  ano: Num;
  cnpj: string;
  mod: string;
  serie: Num;
  nNFIni: Num;
  nNFFin: Num;
  xJust: string;
}

/** `ID{cUF}{ano}{CNPJ}{mod}{serie 3}{nNFIni 9}{nNFFin 9}` — the padding exists only inside the Id. */
export function inutId(p: InutParams): string {
  const n = (v: Num, len: number) => String(Number(v)).padStart(len, '0');
  return `ID${p.cUF}${n(p.ano, 2)}${p.cnpj}${p.mod}${n(p.serie, 3)}${n(p.nNFIni, 9)}${n(p.nNFFin, 9)}`;
}

export function inutNFe(p: InutParams): string {
  const plain = (v: Num) => String(Number(v)); // elements carry no leading zeros
  return (
    `<inutNFe xmlns="${NFE_NS}" versao="4.00"><infInut Id="${inutId(p)}">` +
    `${el('tpAmb', p.tpAmb)}<xServ>INUTILIZAR</xServ>${el('cUF', p.cUF)}${el('ano', String(Number(p.ano)).padStart(2, '0'))}` +
    `${el('CNPJ', p.cnpj)}${el('mod', p.mod)}${el('serie', plain(p.serie))}${el('nNFIni', plain(p.nNFIni))}` +
    `${el('nNFFin', plain(p.nNFFin))}${el('xJust', p.xJust)}</infInut></inutNFe>`
  );
}

export const TP_EVENTO = {
  cartaCorrecao: '110110',
  cancelamento: '110111',
  cancelamentoSubstituicao: '110112',
  epec: '110140',
} as const;

export type EventoAutor = { cnpj: string } | { cpf: string };

export type EventoParams = EventoAutor & {
  /** UF code of the authorizer; 91 = Ambiente Nacional. */
  cOrgao: string;
  tpAmb: string;
  chNFe: string;
  dhEvento: string;
  tpEvento: string;
  nSeqEvento: Num;
  /** Content of detEvento (see the det… builders). */
  detEventoInnerXml: string;
  versaoEvento?: '1.00';
};

/** `ID{tpEvento}{chNFe}{nSeqEvento 2}`. */
export function eventoId(tpEvento: string, chNFe: string, nSeqEvento: Num): string {
  return `ID${tpEvento}${chNFe}${String(Number(nSeqEvento)).padStart(2, '0')}`;
}

export function evento(p: EventoParams): string {
  const versao = p.versaoEvento ?? '1.00';
  const autor = 'cnpj' in p ? el('CNPJ', p.cnpj) : el('CPF', p.cpf);
  return (
    `<evento xmlns="${NFE_NS}" versao="${versao}"><infEvento Id="${eventoId(p.tpEvento, p.chNFe, p.nSeqEvento)}">` +
    `${el('cOrgao', p.cOrgao)}${el('tpAmb', p.tpAmb)}${autor}${el('chNFe', p.chNFe)}${el('dhEvento', p.dhEvento)}` +
    `${el('tpEvento', p.tpEvento)}${el('nSeqEvento', String(Number(p.nSeqEvento)))}${el('verEvento', versao)}` +
    `<detEvento versao="${versao}">${p.detEventoInnerXml}</detEvento></infEvento></evento>`
  );
}

/** Lote of 1..20 signed eventos. */
export function envEvento(idLote: Num, signedEventoXmls: readonly string[]): string {
  return `<envEvento xmlns="${NFE_NS}" versao="1.00">${el('idLote', idLote)}${signedEventoXmls.map(stripXmlDeclaration).join('')}</envEvento>`;
}

/** 110111 Cancelamento. */
export function detCancelamento(p: { nProt: string; xJust: string }): string {
  return `<descEvento>Cancelamento</descEvento>${el('nProt', p.nProt)}${el('xJust', p.xJust)}`;
}

/** 210200/210210/210220/210240 Manifestação do destinatário (leiauteConfRecebto_v1.00.xsd); xJust only for 210240. */
export function detManifestacao(p: { descEvento: string; xJust?: string }): string {
  return `${el('descEvento', p.descEvento)}${p.xJust === undefined ? '' : el('xJust', p.xJust)}`;
}

/** Fixed text required by the CC-e XSD (e110110_v1.00.xsd, spelling without accents). */
export const CCE_XCONDUSO =
  'A Carta de Correcao e disciplinada pelo paragrafo 1o-A do art. 7o do Convenio S/N, de 15 de dezembro de 1970 ' +
  'e pode ser utilizada para regularizacao de erro ocorrido na emissao de documento fiscal, desde que o erro nao ' +
  'esteja relacionado com: I - as variaveis que determinam o valor do imposto tais como: base de calculo, aliquota, ' +
  'diferenca de preco, quantidade, valor da operacao ou da prestacao; II - a correcao de dados cadastrais que ' +
  'implique mudanca do remetente ou do destinatario; III - a data de emissao ou de saida.';

/** 110110 Carta de Correção (xCorrecao 15..1000 characters). */
export function detCartaCorrecao(p: { xCorrecao: string }): string {
  return `<descEvento>Carta de Correcao</descEvento>${el('xCorrecao', p.xCorrecao)}${el('xCondUso', CCE_XCONDUSO)}`;
}

/** 110112 Cancelamento por substituição (NFC-e). */
export function detCancelamentoSubstituicao(p: { cOrgaoAutor: string; verAplic: string; nProt: string; xJust: string; chNFeRef: string }): string {
  return (
    `<descEvento>Cancelamento por substituicao</descEvento>${el('cOrgaoAutor', p.cOrgaoAutor)}<tpAutor>1</tpAutor>` +
    `${el('verAplic', p.verAplic)}${el('nProt', p.nProt)}${el('xJust', p.xJust)}${el('chNFeRef', p.chNFeRef)}`
  );
}

export interface EpecDest {
  UF: string;
  CNPJ?: string;
  CPF?: string;
  idEstrangeiro?: string;
  IE?: string;
}

export interface EpecParams {
  model: '55' | '65';
  /** UF code of the emitter. */
  cOrgaoAutor: string;
  verAplic: string;
  dhEmi: string;
  tpNF: '0' | '1';
  IE: string;
  dest?: EpecDest;
  vNF: string;
  vICMS: string;
  /** NF-e only. */
  vST?: string;
}

/**
 * 110140 EPEC. The official e110140NFe XSD puts vNF/vICMS/vST INSIDE dest (sefaz-nfe.md §3.8 draws
 * them after it); the NFC-e XSD (e110140NFCe) has dest optional and vNF/vICMS after it, no vST.
 */
export function detEpec(p: EpecParams): string {
  const d = p.dest;
  const destId = d ? (d.CNPJ !== undefined ? el('CNPJ', d.CNPJ) : d.CPF !== undefined ? el('CPF', d.CPF) : el('idEstrangeiro', d.idEstrangeiro ?? '')) : '';
  const destHead = d ? `${el('UF', d.UF)}${destId}${d.IE ? el('IE', d.IE) : ''}` : '';
  const head =
    `<descEvento>EPEC</descEvento>${el('cOrgaoAutor', p.cOrgaoAutor)}<tpAutor>1</tpAutor>${el('verAplic', p.verAplic)}` +
    `${el('dhEmi', p.dhEmi)}${el('tpNF', p.tpNF)}${el('IE', p.IE)}`;
  if (p.model === '55') {
    if (!d) throw new Error('EPEC de NF-e exige o destinatário');
    return `${head}<dest>${destHead}${el('vNF', p.vNF)}${el('vICMS', p.vICMS)}${el('vST', p.vST ?? '0.00')}</dest>`;
  }
  return `${head}${d ? `<dest>${destHead}</dest>` : ''}${el('vNF', p.vNF)}${el('vICMS', p.vICMS)}`;
}
