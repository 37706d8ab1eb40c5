// Official InvoiCy example documents adapted for tests: our CNPJ, current dates, a chosen number.
import fs from 'node:fs';
import path from 'node:path';
import { isValidCnpj, isValidCpf, withCnpjCheckDigits } from '../../src/fiscal/cnpj';
import { formatDateTime } from '../../src/fiscal/datetime';
import { ufCode } from '../../src/fiscal/ufs';
import { isValidIe } from '../../src/fiscal/ie';
import { isMunicipality } from '../../src/fiscal/municipalities';
import { capitalCMun, validIe } from './fiscal-ids';
import { SHARED_DIR } from './harness';

export const EXAMPLES_DIR = path.join(SHARED_DIR, 'invoicy', 'Emissão', 'Exemplos XML');

/** Official example files (NFe or NFCe folder) whose root element is `Envio`. */
export function envioExamples(folder: 'NFe' | 'NFCe'): string[] {
  const dir = path.join(EXAMPLES_DIR, folder);
  return fs
    .readdirSync(dir)
    .filter((f) => f.toLowerCase().endsWith('.xml'))
    .map((f) => path.join(dir, f))
    .filter((f) => /^\s*(<\?xml[^>]*\?>\s*)?<Envio[\s>]/.test(fs.readFileSync(f, 'utf8').replace(/^\uFEFF/, '')));
}

export function readExample(folder: 'NFe' | 'NFCe', file: string): string {
  return fs.readFileSync(path.join(EXAMPLES_DIR, folder, file), 'utf8').replace(/^\uFEFF/, '');
}

export interface AdaptOptions {
  cnpj: string;
  /** A number, or null to leave numbering to the gateway. Undefined keeps the example's. */
  nNF?: number | null;
  serie?: number;
  /** Emission instant (default now), written in the example's own offset. */
  now?: Date;
  /** Keep the examples' placeholder parties (99999999999999, made-up IEs), which SEFAZ rejects. */
  keepPlaceholders?: boolean;
}

function replaceTag(xml: string, tag: string, fn: (old: string) => string | null): string {
  const re = new RegExp(`(\\s*)<${tag}>([^<]*)</${tag}>`, 'gi');
  return xml.replace(re, (_m, ws: string, old: string) => {
    const v = fn(old);
    return v === null ? '' : `${ws}<${tag}>${v}</${tag}>`;
  });
}

/** Emitter CNPJ, dates (now, at the document's fusoHorario or -03:00), number and série. */
export function adaptEnvio(xml: string, o: AdaptOptions): string {
  const offset = /<fusoHorario>([^<]+)</i.exec(xml)?.[1]?.trim() ?? '-03:00';
  const local = formatDateTime(o.now ?? new Date(Date.now() - 60_000), offset).slice(0, 19);
  let out = replaceTag(xml, 'CNPJ_emit', () => o.cnpj);
  out = replaceTag(out, 'dhEmi', () => local);
  out = replaceTag(out, 'dhSaiEnt', () => local);
  if (o.nNF !== undefined) out = replaceTag(out, 'nNF', () => (o.nNF === null ? null : String(o.nNF)));
  if (o.serie !== undefined) out = replaceTag(out, 'serie', () => String(o.serie));
  return o.keepPlaceholders ? out : settlePlaceholders(out);
}

const VALID_CPF = '52998224725';

function tagValue(xml: string, tag: string): string | undefined {
  return new RegExp(`<${tag}>([^<]*)</${tag}>`, 'i').exec(xml)?.[1]?.trim();
}

/**
 * The official examples carry placeholder parties SEFAZ rejects (CNPJ 99999999999999, IE 9999999999,
 * made-up municipalities) and payments short of vNF: each is replaced by valid data of the same party
 * and UF, the rest kept.
 */
export function settlePlaceholders(xml: string): string {
  let out = xml;
  for (const tag of ['CNPJ_dest', 'CNPJ_aut', 'CNPJ_ret', 'CNPJ_entr', 'CNPJ_transp']) {
    out = replaceTag(out, tag, (v) => (v.trim() === '' || isValidCnpj(v.trim()) ? v : withCnpjCheckDigits('112223330001')));
  }
  for (const tag of ['CPF_emit', 'CPF_dest', 'CPF_aut', 'CPF_ret', 'CPF_entr', 'CPF_transp']) {
    out = replaceTag(out, tag, (v) => (v.trim() === '' || isValidCpf(v.trim()) ? v : VALID_CPF));
  }
  const parties: [ie: string, uf: string, cMun: string][] = [
    ['IE', 'UF', 'cMun'], ['IE_dest', 'UF_dest', 'cMun_dest'], ['IE_ret', 'UF_ret', 'cMun_ret'],
    ['IE_entr', 'UF_entr', 'cMun_entr'], ['IE_transp', 'UF_transp', ''],
  ];
  for (const [ieTag, ufTag, cMunTag] of parties) {
    const uf = tagValue(out, ufTag);
    if (!uf || uf === 'EX') continue;
    out = replaceTag(out, ieTag, (v) => (v.trim() === '' || v.trim() === 'ISENTO' || isValidIe(v, uf) ? v : validIe(uf)));
    if (cMunTag) out = replaceTag(out, cMunTag, (v) => (isMunicipality(v.trim()) && v.trim().startsWith(capitalCMun(uf).slice(0, 2)) ? v : capitalCMun(uf)));
  }
  // The NFC-e example pays 9.00 of a 60.00 note (865): its one payment is made to cover vNF.
  const vNF = tagValue(out, 'vNF');
  const payments = out.match(/<vPag>/gi)?.length ?? 0;
  if (vNF && payments === 1) out = replaceTag(out, 'vPag', (v) => (Number(v) < Number(vNF) ? vNF : v));
  const emitUf = tagValue(out, 'UF');
  if (emitUf) out = replaceTag(out, 'cMunFg', (v) => (isMunicipality(v.trim()) && v.trim().startsWith(capitalCMun(emitUf).slice(0, 2)) ? v : capitalCMun(emitUf)));
  return out;
}

export function simpleNfe(o: AdaptOptions): string {
  return adaptEnvio(readExample('NFe', 'Exemplo_NFe Simples 4.0.xml'), o);
}

export function simpleNfce(o: AdaptOptions): string {
  return adaptEnvio(readExample('NFCe', 'Exemplo_NFCe_Simples.xml'), o);
}

/**
 * The simple NF-e with `items` items, each carrying the longest xProd (120) and infAdProd (500), totals
 * kept consistent: ≈ 1.15 KB of signed NF-e per item (175 items ≈ 200 KB, 530 ≈ 600 KB).
 */
export function bigNfe(o: AdaptOptions & { items: number }): string {
  const xml = simpleNfe(o);
  const item = /<detItem>[\s\S]*<\/detItem>/.exec(xml)![0];
  const long = item
    .replace(/<xProd>[^<]*<\/xProd>/, `<xProd>${'MOTOCICLETA MARCA HONDA MODELO ESPECIAL '.repeat(4).slice(0, 120)}</xProd>`)
    .replace('</prod>', `</prod><infADProd>${'Informação adicional do produto '.repeat(16).slice(0, 500)}</infADProd>`);
  const total = (o.items * 100).toFixed(2);
  return xml
    .replace(item, long.repeat(o.items))
    .replace(/<vProd_ttlnfe>[^<]*</, `<vProd_ttlnfe>${total}<`)
    .replace(/<vNF>[^<]*</, `<vNF>${total}<`)
    .replace(/<vPag>[^<]*</, `<vPag>${total}<`)
    .replace(/>\s+</g, '><');
}

/**
 * An example (emitter in RS) moved to another UF: cUF, the emitter's UF, IE and municipality, and
 * cMunFG, so that SEFAZ's rules (247, 209, 271, 273) see a consistent emitter of that UF.
 */
export function inUf(xml: string, uf: string): string {
  let out = replaceTag(xml, 'cUF', () => ufCode(uf));
  out = replaceTag(out, 'UF', () => uf);
  out = replaceTag(out, 'IE', (v) => (v.trim() === 'ISENTO' ? v : validIe(uf)));
  out = replaceTag(out, 'cMun', () => capitalCMun(uf));
  return replaceTag(out, 'cMunFg', () => capitalCMun(uf));
}
