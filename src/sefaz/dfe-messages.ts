// distDFeInt, the query of the DF-e distribution services (dfe-distribution.md §2, §9): NF-e 1.01 in
// the NF-e namespace (distNSU, consNSU, consChNFe), CT-e 1.00 in the CT-e namespace (distNSU, consNSU
// only: its schema has no key query). Minified, element order of distDFeInt_v1.01.xsd.
import { padNsu } from '../fiscal/nsu';
import { escapeText } from '../xml/parse';
import { CTE_NS } from './cte-messages';
import { NFE_NS } from './messages';

export interface DistDFeIntInput {
  tpAmb: string;
  /** UF code of the interested party; omitted when empty (the element is optional). */
  cUFAutor: string;
  /** CNPJ (14) or CPF (11) of the interested party. */
  doc: string;
  query: { kind: 'distNSU'; ultNSU: string } | { kind: 'consNSU'; NSU: string } | { kind: 'consChave'; chave: string };
}

function el(name: string, value: string): string {
  return `<${name}>${escapeText(value)}</${name}>`;
}

function party(doc: string): string {
  if (/^[0-9A-Z]{12}\d{2}$/.test(doc)) return el('CNPJ', doc);
  if (/^\d{11}$/.test(doc)) return el('CPF', doc);
  throw new Error(`Interessado da distribuição DF-e deve ser CNPJ (14) ou CPF (11): ${doc}`);
}

function head(m: DistDFeIntInput): string {
  return `${el('tpAmb', m.tpAmb)}${m.cUFAutor ? el('cUFAutor', m.cUFAutor) : ''}${party(m.doc)}`;
}

function nsuQuery(q: DistDFeIntInput['query']): string | undefined {
  if (q.kind === 'distNSU') return `<distNSU>${el('ultNSU', padNsu(q.ultNSU))}</distNSU>`;
  if (q.kind === 'consNSU') return `<consNSU>${el('NSU', padNsu(q.NSU))}</consNSU>`;
  return undefined;
}

/** NFeDistribuicaoDFe's distDFeInt 1.01. */
export function distDFeIntNFe(m: DistDFeIntInput): string {
  const q = m.query;
  const query = nsuQuery(q) ?? (q.kind === 'consChave' ? `<consChNFe>${el('chNFe', q.chave)}</consChNFe>` : '');
  return `<distDFeInt xmlns="${NFE_NS}" versao="1.01">${head(m)}${query}</distDFeInt>`;
}

/** CTeDistribuicaoDFe's distDFeInt 1.00; a key query does not exist there. */
export function distDFeIntCTe(m: DistDFeIntInput): string {
  const query = nsuQuery(m.query);
  if (query === undefined) throw new Error('A distribuição de CT-e não consulta por chave (distDFeInt 1.00: distNSU ou consNSU)');
  return `<distDFeInt xmlns="${CTE_NS}" versao="1.00">${head(m)}${query}</distDFeInt>`;
}
