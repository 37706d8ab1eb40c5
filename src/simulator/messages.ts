// Builders for the answers, minified, element order exactly as the ret…_v4.00/_v1.00 XSDs (sefaz-nfe.md §3).
// protNFe carries no Id: the simulator does not sign its answers (Id is only present when SEFAZ signs).
import { escapeText } from '../xml/parse';
import { NFE_NS } from './authorizers';
import { dhRecbto, type ServiceContext } from './context';

/** `<name>text</name>`, or nothing when the value is absent. */
export function el(name: string, value: string | number | undefined): string {
  return value === undefined ? '' : `<${name}>${escapeText(String(value))}</${name}>`;
}

export interface ProtNFeFields {
  chNFe: string;
  dhRecbto: string;
  nProt?: string;
  digVal?: string;
  cStat: string;
  xMotivo: string;
}

export function protNFe(ctx: ServiceContext, p: ProtNFeFields): string {
  return `<protNFe versao="4.00"><infProt>${el('tpAmb', ctx.tpAmb)}${el('verAplic', ctx.auth.verAplic)}${el('chNFe', p.chNFe)}` +
    `${el('dhRecbto', p.dhRecbto)}${el('nProt', p.nProt)}${el('digVal', p.digVal)}${el('cStat', p.cStat)}${el('xMotivo', p.xMotivo)}</infProt></protNFe>`;
}

function head(ctx: ServiceContext, cStat: string, xMotivo: string, cUF: string): string {
  return `${el('tpAmb', ctx.tpAmb)}${el('verAplic', ctx.auth.verAplic)}${el('cStat', cStat)}${el('xMotivo', xMotivo)}${el('cUF', cUF)}${el('dhRecbto', dhRecbto(ctx))}`;
}

export function retConsStatServ(ctx: ServiceContext, cStat: string, xMotivo: string, cUF: string, tMed?: number): string {
  return `<retConsStatServ versao="4.00" xmlns="${NFE_NS}">${head(ctx, cStat, xMotivo, cUF)}${el('tMed', tMed)}</retConsStatServ>`;
}

/** retEnviNFe: `tail` is the infRec (async) or protNFe (sync) fragment. */
export function retEnviNFe(ctx: ServiceContext, cStat: string, xMotivo: string, cUF: string, tail = ''): string {
  return `<retEnviNFe versao="4.00" xmlns="${NFE_NS}">${head(ctx, cStat, xMotivo, cUF)}${tail}</retEnviNFe>`;
}

export function infRec(nRec: string, tMed: number): string {
  return `<infRec>${el('nRec', nRec)}${el('tMed', tMed)}</infRec>`;
}

export function retConsReciNFe(ctx: ServiceContext, nRec: string, cStat: string, xMotivo: string, cUF: string, prots: string[] = []): string {
  return `<retConsReciNFe versao="4.00" xmlns="${NFE_NS}">${el('tpAmb', ctx.tpAmb)}${el('verAplic', ctx.auth.verAplic)}${el('nRec', nRec)}` +
    `${el('cStat', cStat)}${el('xMotivo', xMotivo)}${el('cUF', cUF)}${el('dhRecbto', dhRecbto(ctx))}${prots.join('')}</retConsReciNFe>`;
}

export function retConsSitNFe(ctx: ServiceContext, chNFe: string, cStat: string, xMotivo: string, cUF: string, prot = '', procEventos: string[] = []): string {
  return `<retConsSitNFe versao="4.00" xmlns="${NFE_NS}">${head(ctx, cStat, xMotivo, cUF)}${el('chNFe', chNFe)}${prot}${procEventos.join('')}</retConsSitNFe>`;
}

export interface InutFields {
  ano: string;
  CNPJ: string;
  mod: string;
  serie: string;
  nNFIni: string;
  nNFFin: string;
  nProt: string;
}

export function retInutNFe(ctx: ServiceContext, cStat: string, xMotivo: string, cUF: string, ok?: InutFields): string {
  const data = ok
    ? `${el('ano', ok.ano)}${el('CNPJ', ok.CNPJ)}${el('mod', ok.mod)}${el('serie', ok.serie)}${el('nNFIni', ok.nNFIni)}${el('nNFFin', ok.nNFFin)}`
    : '';
  return `<retInutNFe versao="4.00" xmlns="${NFE_NS}"><infInut>${el('tpAmb', ctx.tpAmb)}${el('verAplic', ctx.auth.verAplic)}` +
    `${el('cStat', cStat)}${el('xMotivo', xMotivo)}${el('cUF', cUF)}${data}${el('dhRecbto', dhRecbto(ctx))}${el('nProt', ok?.nProt)}</infInut></retInutNFe>`;
}

export interface RetEventoFields {
  cOrgao: string;
  cStat: string;
  xMotivo: string;
  chNFe?: string;
  tpEvento?: string;
  xEvento?: string;
  nSeqEvento?: string;
  dhRegEvento: string;
  nProt?: string;
  /** EPEC 142 only: keys of the emitter's unreconciled EPECs. */
  chNFePend?: string[];
}

export function retEvento(ctx: ServiceContext, f: RetEventoFields): string {
  return `<retEvento versao="1.00"><infEvento>${el('tpAmb', ctx.tpAmb)}${el('verAplic', ctx.auth.verAplic)}${el('cOrgao', f.cOrgao)}` +
    `${el('cStat', f.cStat)}${el('xMotivo', f.xMotivo)}${el('chNFe', f.chNFe)}${el('tpEvento', f.tpEvento)}${el('xEvento', f.xEvento)}` +
    `${el('nSeqEvento', f.nSeqEvento)}${el('dhRegEvento', f.dhRegEvento)}${el('nProt', f.nProt)}` +
    `${(f.chNFePend ?? []).map((k) => el('chNFePend', k)).join('')}</infEvento></retEvento>`;
}

export function retEnvEvento(ctx: ServiceContext, idLote: string, cOrgao: string, cStat: string, xMotivo: string, retEventos: string[] = []): string {
  return `<retEnvEvento versao="1.00" xmlns="${NFE_NS}">${el('idLote', idLote)}${el('tpAmb', ctx.tpAmb)}${el('verAplic', ctx.auth.verAplic)}` +
    `${el('cOrgao', cOrgao)}${el('cStat', cStat)}${el('xMotivo', xMotivo)}${retEventos.join('')}</retEnvEvento>`;
}

/** procEventoNFe: the signed evento exactly as received + our retEvento. */
export function procEventoNFe(eventoXml: string, retEventoXml: string): string {
  return `<procEventoNFe versao="1.00" xmlns="${NFE_NS}">${eventoXml}${retEventoXml}</procEventoNFe>`;
}
