// Official InvoiCy example documents adapted for tests: our CNPJ, current dates, a chosen number.
import fs from 'node:fs';
import path from 'node:path';
import { formatDateTime } from '../../src/fiscal/datetime';
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
