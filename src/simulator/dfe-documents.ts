// What the distribution hands out and answers (dfe-distribution.md §3): resNFe and resEvento 1.01,
// nfeProc/cteProc from what the simulator authorised, and retDistDFeInt with each document gzip-
// compressed and base64-encoded at answer time. Minified, element order of the XSDs.
import { gzipSync } from 'node:zlib';
import { padNsu } from '../fiscal/nsu';
import { CTE_NS } from '../sefaz/cte-messages';
import { NFE_NS } from './authorizers';
import { dhRecbto, type ServiceContext } from './context';
import type { DfeFamily } from './dfe-lists';
import { el } from './messages';

export const DFE_SCHEMA = {
  resNFe: 'resNFe_v1.01.xsd',
  resEvento: 'resEvento_v1.01.xsd',
  procNFe: 'procNFe_v4.00.xsd',
  procEventoNFe: 'procEventoNFe_v1.00.xsd',
  procCTe: 'procCTe_v4.00.xsd',
  procEventoCTe: 'procEventoCTe_v4.00.xsd',
} as const;

export const DFE_XMOTIVO: Record<string, string> = {
  '137': 'Nenhum documento localizado',
  '138': 'Documento(s) localizado(s)',
  '217': 'Rejeicao: NF-e inexistente na base de dados do Ambiente Nacional',
  '236': 'Rejeicao: Chave de Acesso com digito verificador invalido',
  '252': 'Rejeicao: Ambiente informado diverge do Ambiente de recebimento',
  '472': 'Rejeicao: CPF consultado difere do CPF do Certificado Digital',
  '589': 'Rejeicao: NSU informado superior ao maior NSU da base de dados do Ambiente Nacional',
  '593': 'Rejeicao: CNPJ-Base consultado difere do CNPJ-Base do Certificado Digital',
  '632': 'Rejeicao: Solicitacao fora de prazo, a NF-e nao esta mais disponivel para download',
  '640': 'Rejeicao: CNPJ/CPF do interessado nao possui permissao para consultar esta NF-e',
  '641': 'Rejeicao: Consulta a uma NF-e emitida pelo proprio interessado',
  '653': 'Rejeicao: NF-e Cancelada, arquivo indisponivel para download',
  '654': 'Rejeicao: NF-e Denegada, arquivo indisponivel para download',
};

/** `<CNPJ>` for 14 characters, `<CPF>` for 11. */
export function partyEl(doc: string): string {
  return doc.length === 11 ? el('CPF', doc) : el('CNPJ', doc);
}

export interface ResNFeFields {
  chNFe: string;
  emitter: string;
  xNome: string;
  IE: string;
  dhEmi: string;
  tpNF: string;
  vNF: string;
  digVal?: string;
  dhRecbto: string;
  nProt: string;
  /** 1 autorizada, 2 denegada, 3 cancelada. */
  cSitNFe: '1' | '2' | '3';
}

export function resNFe(f: ResNFeFields): string {
  return `<resNFe xmlns="${NFE_NS}" versao="1.01">${el('chNFe', f.chNFe)}${partyEl(f.emitter)}${el('xNome', f.xNome)}${el('IE', f.IE)}` +
    `${el('dhEmi', f.dhEmi)}${el('tpNF', f.tpNF)}${el('vNF', f.vNF)}${el('digVal', f.digVal)}${el('dhRecbto', f.dhRecbto)}` +
    `${el('nProt', f.nProt)}${el('cSitNFe', f.cSitNFe)}</resNFe>`;
}

export interface ResEventoFields {
  cOrgao: string;
  author: string;
  chNFe: string;
  dhEvento: string;
  tpEvento: string;
  nSeqEvento: string;
  xEvento: string;
  dhRecbto: string;
  nProt: string;
}

export function resEvento(f: ResEventoFields): string {
  return `<resEvento xmlns="${NFE_NS}" versao="1.01">${el('cOrgao', f.cOrgao)}${partyEl(f.author)}${el('chNFe', f.chNFe)}` +
    `${el('dhEvento', f.dhEvento)}${el('tpEvento', f.tpEvento)}${el('nSeqEvento', f.nSeqEvento)}${el('xEvento', f.xEvento)}` +
    `${el('dhRecbto', f.dhRecbto)}${el('nProt', f.nProt)}</resEvento>`;
}

/** nfeProc / cteProc: the signed document as received plus the protocol the simulator wrote. */
export function procOf(family: DfeFamily, documentXml: string, protXml: string): string {
  return family === 'nfe'
    ? `<nfeProc xmlns="${NFE_NS}" versao="4.00">${documentXml}${protXml}</nfeProc>`
    : `<cteProc xmlns="${CTE_NS}" versao="4.00">${documentXml}${protXml}</cteProc>`;
}

export interface DocZip {
  /** Absent for a consChNFe document without NSU (NT v1.15). */
  nsu?: number;
  schema: string;
  xml: string;
}

export interface RetDistFields {
  cStat: string;
  xMotivo: string;
  ultNSU?: number;
  maxNSU?: number;
  docs?: readonly DocZip[];
}

export function retDistDFeInt(ctx: ServiceContext, family: DfeFamily, f: RetDistFields): string {
  const [ns, versao] = family === 'nfe' ? [NFE_NS, '1.01'] : [CTE_NS, '1.00'];
  const nsu = (n: number | undefined) => (n === undefined ? undefined : padNsu(n));
  const docs = f.docs ?? [];
  const lote = docs.length === 0 ? '' : `<loteDistDFeInt>${docs.map((d) =>
    `<docZip${d.nsu === undefined ? '' : ` NSU="${padNsu(d.nsu)}"`} schema="${d.schema}">${gzipSync(Buffer.from(d.xml, 'utf8')).toString('base64')}</docZip>`).join('')}</loteDistDFeInt>`;
  return `<retDistDFeInt xmlns="${ns}" versao="${versao}">${el('tpAmb', ctx.tpAmb)}${el('verAplic', ctx.auth.verAplic)}` +
    `${el('cStat', f.cStat)}${el('xMotivo', f.xMotivo)}${el('dhResp', dhRecbto(ctx))}${el('ultNSU', nsu(f.ultNSU))}${el('maxNSU', nsu(f.maxNSU))}${lote}</retDistDFeInt>`;
}
