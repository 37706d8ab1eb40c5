// Builders for the CT-e 4.00 answers, minified, element order of retCTe, retConsSitCTe,
// retConsStatServCTe and retEventoCTe (_v4.00.xsd). Unsigned: infProt/infEvento carry no Id.
import { CTE_NS } from '../sefaz/cte-messages';
import { dhRecbto, type ServiceContext } from './context';
import { el } from './messages';
import type { RetEventoCTe } from '../sefaz/cte-responses';

/** verAplic of CT-e answers: the authorizer and the CT-e schema package it runs (PL_CTe_400). */
function cteVerAplic(ctx: ServiceContext): string {
  return `${ctx.auth.key}_CTE_PL_CTe_400`;
}

export interface ProtCTeFields {
  chCTe: string;
  dhRecbto: string;
  nProt?: string;
  digVal?: string;
  cStat: string;
  xMotivo: string;
}

export function protCTe(ctx: ServiceContext, p: ProtCTeFields): string {
  return `<protCTe versao="4.00"><infProt>${el('tpAmb', ctx.tpAmb)}${el('verAplic', cteVerAplic(ctx))}${el('chCTe', p.chCTe)}` +
    `${el('dhRecbto', p.dhRecbto)}${el('nProt', p.nProt)}${el('digVal', p.digVal)}${el('cStat', p.cStat)}${el('xMotivo', p.xMotivo)}</infProt></protCTe>`;
}

/** retCTe: a rejection of the whole message, or the CT-e's protCTe. */
export function retCTe(ctx: ServiceContext, cStat: string, xMotivo: string, cUF: string, prot = ''): string {
  return `<retCTe versao="4.00" xmlns="${CTE_NS}">${el('tpAmb', ctx.tpAmb)}${el('cUF', cUF)}${el('verAplic', cteVerAplic(ctx))}` +
    `${el('cStat', cStat)}${el('xMotivo', xMotivo)}${prot}</retCTe>`;
}

export function retConsSitCTe(ctx: ServiceContext, cStat: string, xMotivo: string, cUF: string, prot = '', procEventos: readonly string[] = []): string {
  return `<retConsSitCTe versao="4.00" xmlns="${CTE_NS}">${el('tpAmb', ctx.tpAmb)}${el('verAplic', cteVerAplic(ctx))}` +
    `${el('cStat', cStat)}${el('xMotivo', xMotivo)}${el('cUF', cUF)}${prot}${procEventos.join('')}</retConsSitCTe>`;
}

export function retConsStatServCTe(ctx: ServiceContext, cStat: string, xMotivo: string, cUF: string, o: { tMed?: number; dhRetorno?: string; xObs?: string } = {}): string {
  return `<retConsStatServCTe versao="4.00" xmlns="${CTE_NS}">${el('tpAmb', ctx.tpAmb)}${el('verAplic', cteVerAplic(ctx))}` +
    `${el('cStat', cStat)}${el('xMotivo', xMotivo)}${el('cUF', cUF)}${el('dhRecbto', dhRecbto(ctx))}${el('tMed', o.tMed)}` +
    `${el('dhRetorno', o.dhRetorno)}${el('xObs', o.xObs)}</retConsStatServCTe>`;
}

/** What a retEventoCTe says: the gateway's reading of it, less what the service itself fills in. */
export type RetEventoCTeFields = Omit<RetEventoCTe, 'tpAmb' | 'verAplic' | 'raw'>;

export function retEventoCTe(ctx: ServiceContext, f: RetEventoCTeFields): string {
  return `<retEventoCTe versao="4.00" xmlns="${CTE_NS}"><infEvento>${el('tpAmb', ctx.tpAmb)}${el('verAplic', cteVerAplic(ctx))}` +
    `${el('cOrgao', f.cOrgao)}${el('cStat', f.cStat)}${el('xMotivo', f.xMotivo)}${el('chCTe', f.chCTe)}${el('tpEvento', f.tpEvento)}` +
    `${el('xEvento', f.xEvento)}${el('nSeqEvento', f.nSeqEvento)}${el('dhRegEvento', f.dhRegEvento)}${el('nProt', f.nProt)}</infEvento></retEventoCTe>`;
}

/** procEventoCTe as consulta embeds it: the signed eventoCTe exactly as received + our retEventoCTe. */
export function procEventoCTe(eventoXml: string, retEventoXml: string): string {
  return `<procEventoCTe versao="4.00" xmlns="${CTE_NS}">${eventoXml}${retEventoXml}</procEventoCTe>`;
}
