// retDistDFeInt, the answer of NFeDistribuicaoDFe and CTeDistribuicaoDFe (dfe-distribution.md §3):
// ultNSU/maxNSU read as optional (a 656 for a key query carries neither), each docZip base64 →
// gunzip → XML. A decompressed document is capped (a small docZip must not inflate into gigabytes)
// and goes through the same guard as every untrusted XML (no DOCTYPE, markup limits, well-formed);
// its root is read by local name, because `schema` names vary (procNFe_v3.10/v4.00, resNFe_v4.00).
// Any such refusal makes the whole answer invalid (kind `garbage`): a SEFAZ never sends one.
import { gunzipSync } from 'node:zlib';
import { assertXmlSafe } from '../xml/parse';
import { base, garbage, list, locate, opt, type Obj, type ResponseParseOptions } from './answer-reader';
import type { DistAnswer, DistDocument } from './dfe-types';
import { scanElements } from './xml-text';

/** Largest decompressed document accepted: an nfeProc is under 1 MB (the NF-e message limit is 500 KB). */
export const DIST_DOCUMENT_MAX_BYTES = 4 * 1024 * 1024;

function unzip(docZip: Obj, where: string): DistDocument {
  const NSU = opt(docZip, '@_NSU');
  const schema = opt(docZip, '@_schema');
  const label = `${where} docZip${NSU === undefined ? '' : ` NSU ${NSU}`}`;
  if (!schema) throw garbage(`${label} sem schema`);
  let inflated: Buffer;
  try {
    inflated = gunzipSync(Buffer.from(opt(docZip, '#text') ?? '', 'base64'), { maxOutputLength: DIST_DOCUMENT_MAX_BYTES });
  } catch (e) {
    const tooLarge = (e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
    throw garbage(tooLarge ? `${label} excede ${DIST_DOCUMENT_MAX_BYTES} bytes descompactado` : `${label} não descompacta (gzip em base64)`);
  }
  const xml = inflated.toString('utf8');
  try {
    assertXmlSafe(xml);
  } catch (e) {
    throw garbage(`${label}: ${(e as Error).message}`);
  }
  const root = scanElements(xml)[0]?.localName;
  if (!root) throw garbage(`${label} sem elemento raiz`);
  return { ...(NSU === undefined ? {} : { NSU }), schema, root, xml };
}

export function parseRetDistDFeInt(xml: string, options: ResponseParseOptions): DistAnswer {
  const where = 'retDistDFeInt';
  const l = locate(xml, where, options, ['docZip']);
  const { cStat, xMotivo } = base(l.obj, where);
  const lote = l.obj.loteDistDFeInt;
  const zips = lote && typeof lote === 'object' ? list(lote as Obj, 'docZip') : [];
  const answer: DistAnswer = { cStat, xMotivo, documents: zips.map((z) => unzip(z, where)) };
  const dhResp = opt(l.obj, 'dhResp');
  const ultNSU = opt(l.obj, 'ultNSU');
  const maxNSU = opt(l.obj, 'maxNSU');
  if (dhResp !== undefined) answer.dhResp = dhResp;
  if (ultNSU !== undefined) answer.ultNSU = ultNSU;
  if (maxNSU !== undefined) answer.maxNSU = maxNSU;
  return answer;
}
