// Shared machinery of the layout generators (generate-nfe-layout.ts, generate-cte-layout.ts): reading
// the official XSDs (SEFAZ schema → SElement tree with types and choices; InvoiCy <Envio> XSD → field
// tree), the InvoiCy CSV tables, and mapping every InvoiCy field onto its SEFAZ element under the
// hand-curated overrides. Each kind's script says which files and overrides it uses.
import { readFileSync, writeFileSync } from 'node:fs';
import { XMLParser } from 'fast-xml-parser';
import type { IField, LayoutDefinition, SAttr, SElement, SGroup, SParticle, SType } from '../src/layout/definition';

export type XNode = Record<string, unknown>;

const parser = new XMLParser({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '', parseTagValue: false, parseAttributeValue: false });

export function readXsd(file: string): XNode[] {
  return parser.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, '')) as XNode[];
}
export function tag(n: XNode): string {
  return Object.keys(n).find((k) => k !== ':@') ?? '';
}
export function kids(n: XNode): XNode[] {
  return (n[tag(n)] as XNode[] | undefined) ?? [];
}
export function attr(n: XNode, a: string): string | undefined {
  return (n[':@'] as Record<string, string> | undefined)?.[a];
}
export function child(n: XNode, t: string): XNode | undefined {
  return kids(n).find((k) => tag(k) === t);
}
function occurs(n: XNode): { min: number; max: number } {
  const max = attr(n, 'maxOccurs');
  return { min: Number(attr(n, 'minOccurs') ?? '1'), max: max === 'unbounded' ? -1 : Number(max ?? '1') };
}
export function schemaOf(file: string): XNode {
  return readXsd(file).find((n) => tag(n) === 'xs:schema')!;
}

// ---------------------------------------------------------------- SEFAZ schema
/** The named types and top-level elements of a set of SEFAZ schema files, and their conversion. */
export class SefazSchema {
  readonly simpleTypes = new Map<string, XNode>();
  readonly complexTypes = new Map<string, XNode>();
  readonly elements = new Map<string, XNode>();

  constructor(files: string[]) {
    for (const f of files) {
      for (const n of kids(schemaOf(f))) {
        const name = attr(n, 'name');
        if (!name) continue;
        if (tag(n) === 'xs:simpleType') this.simpleTypes.set(name, n);
        if (tag(n) === 'xs:complexType') this.complexTypes.set(name, n);
        if (tag(n) === 'xs:element') this.elements.set(name, n);
      }
    }
  }

  simpleType(n: XNode | undefined, typeName?: string): SType {
    const t: SType = {};
    const apply = (st: XNode, name?: string): void => {
      const r = child(st, 'xs:restriction');
      if (!r) return;
      const base = attr(r, 'base');
      if (base && !base.startsWith('xs:') && this.simpleTypes.has(base)) apply(this.simpleTypes.get(base)!, base);
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
      if (this.simpleTypes.has(typeName)) apply(this.simpleTypes.get(typeName)!, typeName);
    } else if (n) apply(n);
    return t;
  }

  element(n: XNode): SElement {
    const name = attr(n, 'name')!;
    const { min, max } = occurs(n);
    const type = attr(n, 'type');
    const ct = type && this.complexTypes.has(type) ? this.complexTypes.get(type)! : child(n, 'xs:complexType');
    if (ct) return { name, min, max, ...this.complexContent(ct) };
    return { name, min, max, type: this.simpleType(child(n, 'xs:simpleType'), type) };
  }

  private complexContent(ct: XNode): Pick<SElement, 'content' | 'attrs' | 'type'> {
    const out: Pick<SElement, 'content' | 'attrs' | 'type'> = {};
    const attrs: SAttr[] = [];
    for (const k of kids(ct)) {
      if (tag(k) === 'xs:sequence' || tag(k) === 'xs:choice') out.content = [this.particle(k)].flatMap((p) => (isSeq1(p) ? p.items : [p]));
      if (tag(k) === 'xs:attribute') {
        attrs.push({ name: attr(k, 'name')!, required: attr(k, 'use') === 'required', type: this.simpleType(child(k, 'xs:simpleType'), attr(k, 'type')) });
      }
    }
    if (attrs.length) out.attrs = attrs;
    return out;
  }

  private particle(n: XNode): SParticle {
    if (tag(n) === 'xs:element') return this.element(n);
    const items: SParticle[] = [];
    for (const k of kids(n)) {
      if (['xs:element', 'xs:sequence', 'xs:choice'].includes(tag(k))) {
        const p = this.particle(k);
        // A plain sequence inside a sequence adds nothing; inside a choice it is one branch.
        items.push(...(isSeq1(p) && tag(n) === 'xs:sequence' ? p.items : [p]));
      }
    }
    return { kind: tag(n) === 'xs:choice' ? 'choice' : 'seq', ...occurs(n), items };
  }
}

function isSeq1(p: SParticle): p is SGroup {
  return 'kind' in p && p.kind === 'seq' && p.min === 1 && p.max === 1;
}

// ---------------------------------------------------------------- InvoiCy tree and table
export interface RawField { name: string; min: number; max: number; children?: RawField[] }

function iField(n: XNode): RawField {
  const name = attr(n, 'name')!.trim(); // the NF-e XSD declares " vICMSMonoOp" with a leading space
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

/** The <Envio> field tree of an InvoiCy layout XSD. */
export function invoicyEnvio(file: string): RawField {
  return iField(kids(schemaOf(file)).find((n) => attr(n, 'name') === 'Envio')!);
}

/** Rows of an InvoiCy layout table exported as CSV (quoted cells may span lines). */
export function readCsv(file: string): string[][] {
  const text = readFileSync(file, 'utf8');
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
  return rows;
}

// ---------------------------------------------------------------- mapping
export interface Overrides {
  moves?: Record<string, string>;
  suffixes: string[];
  to: Record<string, string>;
  dropped: string[];
  extra: Record<string, string[]>;
  models?: Record<string, string[]>;
  /** InvoiCy path → force (true) the per-item repetition of its SEFAZ target. */
  repeated?: Record<string, boolean>;
  /** Fields kept under their own name only to pick a choice branch (CT-e tipoDocumento → infNF …). */
  selectors?: string[];
  choices: LayoutDefinition['choices'];
  defaults: LayoutDefinition['defaults'];
}

export interface FieldInfo { tipo: string; models: Set<string> }

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
function at(root: RawField, ipath: string): RawField | undefined {
  return ipath.split('/').slice(1).reduce<RawField | undefined>((f, seg) => f?.children?.find((c) => c.name === seg), root);
}

/**
 * Maps the InvoiCy tree onto the SEFAZ element under the overrides. `info` gives a field's layout
 * table type and models; `allModels` stands for a field the table does not list. Returns the
 * definition's InvoiCy tree and every problem found (a field that resolves nowhere, a stale override).
 */
export function mapLayout(envio: RawField, sefaz: SElement, ov: Overrides, info: (name: string) => FieldInfo | undefined, allModels: string[]): { invoicy: IField; problems: string[] } {
  const suffixes = [...ov.suffixes].sort((a, b) => b.length - a.length);
  const strip = (name: string): string => {
    const s = suffixes.find((x) => name.toLowerCase().endsWith(x.toLowerCase()) && name.length > x.length);
    return s ? name.slice(0, -s.length) : name;
  };
  const problems: string[] = [];
  /** Model overrides apply to the whole subtree of their path. */
  const modelsOverride = (ipath: string): string[] | undefined => {
    const models = ov.models ?? {};
    const key = Object.keys(models).filter((k) => ipath === k || ipath.startsWith(`${k}/`)).sort((a, b) => b.length - a.length)[0];
    return key ? models[key] : undefined;
  };
  const seenOverrides = new Set<string>();

  const build = (raw: RawField, ipath: string, parents: SElement[], droppedAncestor = false): IField => {
    const fi = info(raw.name);
    const f: IField = { name: raw.name, group: !!raw.children, min: raw.min, max: raw.max, models: modelsOverride(ipath) ?? (fi ? [...fi.models].sort() : allModels) };
    if (fi?.tipo && !f.group && fi.tipo !== '-') f.tipo = fi.tipo;
    const parent = parents[parents.length - 1];
    let target: SElement | undefined;
    let scope = parents;
    if (droppedAncestor) {
      // InvoiCy-only group: its fields go with it.
    } else if (ov.dropped.includes(ipath)) {
      seenOverrides.add(ipath);
    } else if (ov.selectors?.includes(ipath)) {
      seenOverrides.add(ipath);
      f.to = raw.name;
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
          else if (target.max !== 1 || ov.repeated?.[ipath]) f.repeated = true;
          if (ov.repeated?.[ipath]) seenOverrides.add(`repeated:${ipath}`);
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
  };

  for (const [from, toParent] of Object.entries(ov.moves ?? {})) {
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
  const used = [...Object.keys(ov.to), ...ov.dropped, ...(ov.selectors ?? []), ...Object.keys(ov.repeated ?? {}).map((k) => `repeated:${k}`)];
  for (const k of used) if (!seenOverrides.has(k)) problems.push(`override sem campo: ${k}`);
  return { invoicy, problems };
}

/** Writes the definition, or prints the problems and fails (no official field may be lost silently). */
export function writeDefinition(out: string, def: LayoutDefinition, problems: string[]): void {
  if (problems.length) {
    console.error(problems.join('\n'));
    process.exit(1);
  }
  writeFileSync(out, JSON.stringify(def) + '\n');
}
