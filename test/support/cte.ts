// Official InvoiCy CT-e examples adapted for tests (as samples.ts does for NF-e): the test company's
// CNPJ and UF, the current emission time, a chosen number and série. `cteFor` is the one CT-e the
// emission, event and contingency tests send.
import fs from 'node:fs';
import path from 'node:path';
import { parseExecuteEnvelope } from '../../src/invoicy/envelope';
import { formatDateTime } from '../../src/fiscal/datetime';
import { ufCode, ufOffset } from '../../src/fiscal/ufs';
import { EXAMPLES_DIR } from './samples';

export const CTE_EXAMPLES_DIR = path.join(EXAMPLES_DIR, 'CTe');

/** Every official CT-e example as [file name, Envio text]: the file itself, or the documents of a SOAP envelope. */
export async function cteExamples(): Promise<Array<[string, string]>> {
  const out: Array<[string, string]> = [];
  for (const f of fs.readdirSync(CTE_EXAMPLES_DIR).filter((n) => n.toLowerCase().endsWith('.xml')).sort()) {
    const text = fs.readFileSync(path.join(CTE_EXAMPLES_DIR, f), 'utf8').replace(/^\uFEFF/, '');
    if (/^\s*(<\?xml[^>]*\?>\s*)?<Envio[\s>]/.test(text)) {
      out.push([f, text]);
      continue;
    }
    const env = await parseExecuteEnvelope(text);
    if (!env.ok) throw new Error(`${f}: envelope ilegível`);
    env.request.items.forEach((item, i) => out.push([env.request.items.length > 1 ? `${f}#${i + 1}` : f, item.documento]));
  }
  return out;
}

export interface CteAdapt {
  /** The emitter (the test company). */
  cnpj: string;
  /** Emitter UF (cUF and enderEmit/UF); default: the example's. */
  uf?: string;
  /** A number, or null to leave numbering to the gateway. Undefined keeps the example's. */
  nCT?: number | null;
  serie?: number;
  tpAmb?: '1' | '2';
  /** Emission instant (default a minute ago), written at the UF's offset. */
  now?: Date;
}

function replaceTag(xml: string, tag: string, fn: (old: string) => string | null): string {
  return xml.replace(new RegExp(`(\\s*)<${tag}>([^<]*)</${tag}>`, 'g'), (_m, ws: string, old: string) => {
    const v = fn(old);
    return v === null ? '' : `${ws}<${tag}>${v}</${tag}>`;
  });
}

/** The example as the test company's CT-e: the examples' placeholder CNPJ and the emitter's become the company's. */
export function adaptCte(xml: string, o: CteAdapt): string {
  const emitter = /<CNPJ_emit>([^<]*)<\/CNPJ_emit>/.exec(xml)?.[1];
  let out = xml.replace(/99999999999999/g, o.cnpj);
  if (emitter) out = out.split(emitter).join(o.cnpj);
  const offset = o.uf ? ufOffset(o.uf) : /<fusoHorario>([^<]+)</.exec(xml)?.[1]?.trim() ?? '-03:00';
  out = replaceTag(out, 'dhEmi', () => formatDateTime(o.now ?? new Date(Date.now() - 60_000), offset).slice(0, 19));
  out = replaceTag(out, 'fusoHorario', () => offset);
  if (o.uf) {
    const uf = o.uf;
    out = replaceTag(out, 'cUF', () => ufCode(uf));
    out = out.replace(/(<enderEmit>[\s\S]*?<UF>)[^<]*(<\/UF>)/, `$1${uf}$2`);
  }
  if (o.nCT !== undefined) out = replaceTag(out, 'nCT', () => (o.nCT === null ? null : String(o.nCT)));
  if (o.serie !== undefined) out = replaceTag(out, 'serie', () => String(o.serie));
  if (o.tpAmb) out = replaceTag(out, 'tpAmb', () => o.tpAmb!);
  return out;
}

/** The rodoviário example as a CT-e of `company` in `uf` (série 1 unless told), number n (null: automatic). */
export function cteFor(company: { cnpj: string }, uf: string, n: number | null, o: Partial<CteAdapt> = {}): string {
  const xml = fs.readFileSync(path.join(CTE_EXAMPLES_DIR, 'ExemploLayout_CTeRodoviario.xml'), 'utf8').replace(/^\uFEFF/, '');
  return adaptCte(xml, { serie: 1, ...o, cnpj: company.cnpj, uf, nCT: n });
}
