// Development-time generator of layouts/nfe-nfce-4.00.json from the official material in ../shared:
//   * the SEFAZ schema (leiauteNFe_v4.00.xsd + tiposBasico_v4.00.xsd) → target order, types, choices;
//   * the InvoiCy XSD "Envio_NFe-NFCe 4.0.xsd" → the <Envio> tree (nesting, occurrences);
//   * the InvoiCy layout table (CSV) → layout types and the models (55/65) of each field;
//   * layouts/nfe-nfce-4.00.overrides.json → the mapping rules the tables cannot express.
// Every InvoiCy field must resolve to a SEFAZ element or be declared InvoiCy-only: the script fails
// otherwise, so a new official field cannot be silently lost.
// Run: npx tsc --outDir dist/gen --rootDir . --module node16 --moduleResolution node16 --target ES2022 \
//        --esModuleInterop --skipLibCheck scripts/generate-nfe-layout.ts && node dist/gen/scripts/generate-nfe-layout.js
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import type { IField, LayoutDefinition, SAttr, SElement, SGroup, SParticle, SType } from '../src/layout/definition';

const repo = path.resolve(__dirname, '../../..'); // dist/gen/scripts → repository root
const shared = path.resolve(repo, '../shared');
const SEFAZ_DIR = path.join(shared, 'schemas/nfe');
const INVOICY_XSD = path.join(shared, 'invoicy/Emissão/Schemas/Envio_NFe-NFCe 4.0.xsd');
const CSV = path.join(shared, 'invoicy-csv/Emissão/Layouts/Layout 4.0 NFe_NFCe - NF-e.csv');
const OVERRIDES = path.join(repo, 'layouts/nfe-nfce-4.00.overrides.json');
const OUT = path.join(repo, 'layouts/nfe-nfce-4.00.json');

type XNode = Record<string, unknown>;

const parser = new XMLParser({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '', parseTagValue: false, parseAttributeValue: false });

function readXsd(file: string): XNode[] {
  return parser.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, '')) as XNode[];
}
function tag(n: XNode): string {
  return Object.keys(n).find((k) => k !== ':@') ?? '';
}
function kids(n: XNode): XNode[] {
  return (n[tag(n)] as XNode[] | undefined) ?? [];
}
function attr(n: XNode, a: string): string | undefined {
  return (n[':@'] as Record<string, string> | undefined)?.[a];
}
function child(n: XNode, t: string): XNode | undefined {
  return kids(n).find((k) => tag(k) === t);
}
function occurs(n: XNode): { min: number; max: number } {
  const max = attr(n, 'maxOccurs');
  return { min: Number(attr(n, 'minOccurs') ?? '1'), max: max === 'unbounded' ? -1 : Number(max ?? '1') };
}

// ---------------------------------------------------------------- SEFAZ schema
const simpleTypes = new Map<string, XNode>();
const complexTypes = new Map<string, XNode>();
let tnfe: XNode | undefined;
for (const f of ['tiposBasico_v4.00.xsd', 'leiauteNFe_v4.00.xsd']) {
  const schema = readXsd(path.join(SEFAZ_DIR, f)).find((n) => tag(n) === 'xs:schema')!;
  for (const n of kids(schema)) {
    const name = attr(n, 'name');
    if (!name) continue;
    if (tag(n) === 'xs:simpleType') simpleTypes.set(name, n);
    if (tag(n) === 'xs:complexType') complexTypes.set(name, n);
    if (name === 'TNFe') tnfe = n;
  }
}

function simpleType(n: XNode | undefined, typeName?: string): SType {
  const t: SType = {};
  const apply = (st: XNode, name?: string): void => {
    const r = child(st, 'xs:restriction');
    if (!r) return;
    const base = attr(r, 'base');
    if (base && !base.startsWith('xs:') && simpleTypes.has(base)) apply(simpleTypes.get(base)!, base);
    const patterns: string[] = [];
    for (const f of kids(r)) {
      const v = attr(f, 'value');
      if (v === undefined) continue;
      switch (tag(f)) {
        case 'xs:pattern': patterns.push(v); break;
        case 'xs:enumeration': (t.enum ??= []).push(v); break;
        case 'xs:minLength': t.minLen = Number(v); break;
        case 'xs:maxLength': t.maxLen = Number(v); break;
        case 'xs:length': t.minLen = t.maxLen = Number(v); break;
      }
    }
    if (patterns.length) (t.patterns ??= []).push(patterns.length > 1 ? patterns.map((p) => `(?:${p})`).join('|') : patterns[0]!);
    const dec = name && /^TDec_(\d\d)(\d\d)/.exec(name);
    if (dec && patterns.length) {
      // The last alternative carries the general form ("…(\.[0-9]{2})?"); earlier ones are special cases.
      const m = [...patterns.join('|').matchAll(/\\\.\[0-9\]\{(\d+)(?:,(\d+))?\}/g)].pop();
      if (m) {
        t.dec = [Number(m[1]), Number(m[2] ?? m[1])];
        t.decLabel = `${Number(dec[1])}.${Number(dec[2])}`;
      }
    }
  };
  if (typeName) {
    if (simpleTypes.has(typeName)) apply(simpleTypes.get(typeName)!, typeName);
  } else if (n) apply(n);
  return t;
}

function sElement(n: XNode): SElement {
  const name = attr(n, 'name')!;
  const { min, max } = occurs(n);
  const type = attr(n, 'type');
  const ct = type && complexTypes.has(type) ? complexTypes.get(type)! : child(n, 'xs:complexType');
  if (ct) return { name, min, max, ...complexContent(ct) };
  return { name, min, max, type: simpleType(child(n, 'xs:simpleType'), type) };
}

function complexContent(ct: XNode): Pick<SElement, 'content' | 'attrs' | 'type'> {
  const out: Pick<SElement, 'content' | 'attrs' | 'type'> = {};
  const attrs: SAttr[] = [];
  for (const k of kids(ct)) {
    if (tag(k) === 'xs:sequence' || tag(k) === 'xs:choice') out.content = [particle(k)].flatMap((p) => (isSeq1(p) ? p.items : [p]));
    if (tag(k) === 'xs:attribute') {
      attrs.push({ name: attr(k, 'name')!, required: attr(k, 'use') === 'required', type: simpleType(child(k, 'xs:simpleType'), attr(k, 'type')) });
    }
  }
  if (attrs.length) out.attrs = attrs;
  return out;
}

function isSeq1(p: SParticle): p is SGroup {
  return 'kind' in p && p.kind === 'seq' && p.min === 1 && p.max === 1;
}

function particle(n: XNode): SParticle {
  if (tag(n) === 'xs:element') return sElement(n);
  const items: SParticle[] = [];
  for (const k of kids(n)) {
    if (['xs:element', 'xs:sequence', 'xs:choice'].includes(tag(k))) {
      const p = particle(k);
      // A plain sequence inside a sequence adds nothing; inside a choice it is one branch.
      items.push(...(isSeq1(p) && tag(n) === 'xs:sequence' ? p.items : [p]));
    }
  }
  return { kind: tag(n) === 'xs:choice' ? 'choice' : 'seq', ...occurs(n), items };
}

const infNFeNode = kids(child(tnfe!, 'xs:sequence')!).find((k) => attr(k, 'name') === 'infNFe')!;
const sefaz = sElement(infNFeNode);

// ---------------------------------------------------------------- InvoiCy tree
interface RawField { name: string; min: number; max: number; children?: RawField[] }
function iField(n: XNode): RawField {
  const name = attr(n, 'name')!.trim(); // the XSD declares " vICMSMonoOp" with a leading space
  const { min, max } = occurs(n);
  const ct = child(n, 'xs:complexType');
  if (!ct) return { name, min, max };
  const children: RawField[] = [];
  const collect = (g: XNode): void => {
    for (const k of kids(g)) {
      if (tag(k) === 'xs:element') children.push(iField(k));
      else if (['xs:sequence', 'xs:choice', 'xs:all'].includes(tag(k))) collect(k);
    }
  };
  collect(ct);
  return { name, min, max, children };
}
const envioNode = kids(readXsd(INVOICY_XSD).find((n) => tag(n) === 'xs:schema')!).find((n) => attr(n, 'name') === 'Envio')!;
const envio = iField(envioNode);

// Layout table: field name → models and type (names are global in the flat InvoiCy layout).
const table = new Map<string, { tipo: string; models: Set<'55' | '65'> }>();
{
  const text = readFileSync(CSV, 'utf8');
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; }
    else if (c === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; }
    else if (c !== '\r') cell += c;
  }
  for (const r of rows) {
    if (!/^\d+$/.test((r[0] ?? '').trim())) continue;
    const name = (r[2] ?? '').trim();
    const models = (r[11] ?? '').includes('65') ? (r[11]!.includes('55') ? ['55', '65'] : ['65']) : ['55'];
    const e = table.get(name.toLowerCase()) ?? { tipo: (r[6] ?? '').trim(), models: new Set() };
    for (const m of models) e.models.add(m as '55' | '65');
    table.set(name.toLowerCase(), e);
  }
}

// ---------------------------------------------------------------- mapping
interface Overrides {
  moves: Record<string, string>;
  suffixes: string[];
  to: Record<string, string>;
  dropped: string[];
  extra: Record<string, string[]>;
  models: Record<string, Array<'55' | '65'>>;
  choices: LayoutDefinition['choices'];
  defaults: LayoutDefinition['defaults'];
}
const ov = JSON.parse(readFileSync(OVERRIDES, 'utf8')) as Overrides;
const suffixes = [...ov.suffixes].sort((a, b) => b.length - a.length);

function elements(ps: SParticle[] | undefined): SElement[] {
  return (ps ?? []).flatMap((p) => ('kind' in p ? elements(p.items) : [p]));
}
/** What a field of `el` may target: its elements and attributes, plus those of choice branches rendered flat. */
function candidates(el: SElement): SElement[] {
  const own = [...elements(el.content), ...(el.attrs ?? []).map((a) => ({ name: a.name, min: a.required ? 1 : 0, max: 1, type: a.type }))];
  const flat = (el.content ?? []).filter((p): p is SGroup => 'kind' in p && p.kind === 'choice')
    .flatMap((g) => elements(g.items)).flatMap((b) => elements(b.content));
  return [...own, ...flat];
}
function findPath(from: SElement, rel: string): SElement | undefined {
  let cur: SElement | undefined = from;
  for (const seg of rel.split('/').filter((s) => s && s !== '..')) {
    cur = cur && candidates(cur).find((e) => e.name === seg.replace(/^\*/, ''));
  }
  return cur;
}
function strip(name: string): string {
  const s = suffixes.find((x) => name.toLowerCase().endsWith(x.toLowerCase()) && name.length > x.length);
  return s ? name.slice(0, -s.length) : name;
}

const problems: string[] = [];
/** Model overrides apply to the whole subtree of their path. */
function modelsOverride(ipath: string): Array<'55' | '65'> | undefined {
  const key = Object.keys(ov.models).filter((k) => ipath === k || ipath.startsWith(`${k}/`)).sort((a, b) => b.length - a.length)[0];
  return key ? ov.models[key] : undefined;
}
const seenOverrides = new Set<string>();

function build(raw: RawField, ipath: string, parents: SElement[], droppedAncestor = false): IField {
  const info = table.get(raw.name.toLowerCase());
  const f: IField = { name: raw.name, group: !!raw.children, min: raw.min, max: raw.max, models: modelsOverride(ipath) ?? (info ? [...info.models].sort() : ['55', '65']) };
  if (info?.tipo && !f.group && info.tipo !== '-') f.tipo = info.tipo;
  const parent = parents[parents.length - 1];
  let target: SElement | undefined;
  let scope = parents;
  if (droppedAncestor) {
    // InvoiCy-only group: its fields go with it.
  } else if (ov.dropped.includes(ipath)) {
    seenOverrides.add(ipath);
  } else if (ipath === 'Envio') {
    target = sefaz;
  } else {
    let to: string | undefined = ov.to[ipath];
    if (to !== undefined) seenOverrides.add(ipath);
    const isWrapper = f.group && raw.children!.length === 1 && /Item$/.test(raw.children![0]!.name);
    if (to === undefined && isWrapper) to = '';
    if (to === undefined) {
      const base = f.group && /Item$/.test(raw.name) ? raw.name.slice(0, -4) : strip(raw.name);
      to = candidates(parent!).find((e) => e.name.toLowerCase() === base.toLowerCase())?.name;
    }
    if (to === undefined) problems.push(`${ipath}: nenhum elemento SEFAZ correspondente`);
    else {
      f.to = to;
      if (to === '') target = parent;
      else {
        const up = to.split('/').filter((s) => s === '..').length;
        target = findPath(parents[parents.length - 1 - up]!, to);
        if (!target) problems.push(`${ipath}: destino "${to}" inexistente`);
        else if (target.max !== 1) f.repeated = true;
        scope = up ? parents.slice(0, parents.length - up) : parents;
      }
    }
  }
  if (raw.children) {
    const all = [...raw.children, ...(ov.extra[ipath] ?? []).map((name) => ({ name, min: 0, max: 1 }))];
    const dropped = droppedAncestor || !target;
    f.children = all.map((c) => build(c, `${ipath}/${c.name}`, f.to === '' || !target ? scope : [...scope, target], dropped));
  }
  return f;
}

function at(root: RawField, ipath: string): RawField | undefined {
  return ipath.split('/').slice(1).reduce<RawField | undefined>((f, seg) => f?.children?.find((c) => c.name === seg), root);
}
for (const [from, toParent] of Object.entries(ov.moves)) {
  const parentPath = from.slice(0, from.lastIndexOf('/'));
  const src = at(envio, parentPath);
  const dst = at(envio, toParent);
  const moved = src?.children?.find((c) => c.name === from.slice(parentPath.length + 1));
  if (!src || !dst?.children || !moved) {
    problems.push(`move impossível: ${from}`);
    continue;
  }
  src.children = src.children!.filter((c) => c !== moved);
  dst.children.push(moved);
}

const invoicy = build(envio, 'Envio', []);
for (const k of [...Object.keys(ov.to), ...ov.dropped]) if (!seenOverrides.has(k)) problems.push(`override sem campo: ${k}`);
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}

const def: LayoutDefinition = { version: '4.00', invoicy, sefaz, choices: ov.choices, defaults: ov.defaults };
writeFileSync(OUT, JSON.stringify(def) + '\n');
console.log(`escrito ${path.relative(repo, OUT)}`);
