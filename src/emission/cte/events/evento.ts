// The eventoCTe envelope (cte.md §5.1): one event, versao 4.00, Id = "ID" + tpEvento + chCTe + nSeqEvento
// padded to 3, the author's CNPJ or CPF, detEvento versaoEvento 4.00 around one of the ./details
// writers. Unsigned: the signing module signs infEvento.
import { el } from './element';

export const CTE_NS = 'http://www.portalfiscal.inf.br/cte';

export interface EventoCteParams {
  /** IBGE code of the authorizer of the key's UF (cte.md §5.1). */
  cOrgao: string;
  tpAmb: string;
  /** The author: 14 digits CNPJ, 11 digits CPF (a tomador natural person). */
  author: string;
  chCTe: string;
  dhEvento: string;
  tpEvento: string;
  nSeq: number;
  /** One of the ./details writers' output. */
  det: string;
}

export function eventoCteId(tpEvento: string, chCTe: string, nSeq: number): string {
  return `ID${tpEvento}${chCTe}${String(nSeq).padStart(3, '0')}`;
}

export function eventoCte(p: EventoCteParams): string {
  const author = p.author.length === 11 ? el('CPF', p.author) : el('CNPJ', p.author);
  return (
    `<eventoCTe xmlns="${CTE_NS}" versao="4.00"><infEvento Id="${eventoCteId(p.tpEvento, p.chCTe, p.nSeq)}">` +
    `${el('cOrgao', p.cOrgao)}${el('tpAmb', p.tpAmb)}${author}${el('chCTe', p.chCTe)}${el('dhEvento', p.dhEvento)}` +
    `${el('tpEvento', p.tpEvento)}${el('nSeqEvento', p.nSeq)}<detEvento versaoEvento="4.00">${p.det}</detEvento>` +
    '</infEvento></eventoCTe>'
  );
}
