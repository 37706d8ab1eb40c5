// Turns a parsed InvoiCy <Envio> into the SEFAZ-shaped LayoutNode tree, driven by the definition:
// names matched case-insensitively, order ignored, every unknown element reported.
import type { IField } from './definition';
import type { LayoutError, LayoutNode, LayoutValue } from './types';
import { parseXmlOrdered, XmlInputError, type OrderedNode } from '../xml/parse';
import { kidsOf, localName, tagOf, textOf } from '../xml/ordered';
import { layoutError, unknownFieldError } from './errors';
import { nearestName } from './suggest';

/**
 * The children of an InvoiCy layout document's <Envio>, or the one error that stops reading it.
 * `parsed`: the same text already parsed by `parseXmlOrdered(xmlText, { removeNSPrefix: true })`
 * (the SOAP layer parses each document once to classify it).
 */
export function readEnvio(xmlText: string, parsed?: OrderedNode[]): { ok: true; envio: OrderedNode[] } | { ok: false; errors: LayoutError[] } {
  let doc: OrderedNode[];
  try {
    doc = parsed ?? parseXmlOrdered(xmlText, { removeNSPrefix: true });
  } catch (e) {
    const message = e instanceof XmlInputError ? e.message : 'XML mal formado';
    return { ok: false, errors: [{ path: '', rule: e instanceof XmlInputError && e.kind === 'dtd' ? 'DTD não permitido' : 'XML mal formado', message }] };
  }
  const envioNode = doc.find((n) => tagOf(n)?.toLowerCase() === 'envio');
  if (!envioNode) return { ok: false, errors: [layoutError('Envio', 'obrigatório')] };
  return { ok: true, envio: kidsOf(envioNode) };
}

export function newNode(src: string, parent?: LayoutNode, def?: IField): LayoutNode {
  return { src, parent, def, fields: new Map(), groups: new Map() };
}

function child(node: LayoutNode, name: string, repeated: boolean, src: () => string): LayoutNode {
  let list = node.groups.get(name);
  if (!list) node.groups.set(name, (list = []));
  if (repeated || list.length === 0) list.push(newNode(src(), node));
  return list[list.length - 1];
}

// Definition paths split once per definition (the walk follows one per element).
const splitPaths = new Map<string, { segs: string[]; last: string }>();

/** Follows a definition path ("a/b", "../x", "") from node; the last segment is returned apart. */
function descend(node: LayoutNode, to: string): { at: LayoutNode; last: string } {
  let path = splitPaths.get(to);
  if (!path) {
    const cut = to.lastIndexOf('/');
    splitPaths.set(to, (path = { segs: cut < 0 ? [] : to.slice(0, cut).split('/'), last: to.slice(cut + 1) }));
  }
  let at = node;
  for (const s of path.segs) {
    const parent = at;
    if (s !== '..') at = child(at, s, false, () => `${parent.src}/${s}`);
    else if (parent.parent) at = parent.parent;
    else throw new Error(`caminho de definição "${to}" sobe acima da raiz`);
  }
  return { at, last: path.last };
}

export interface WalkResult {
  root: LayoutNode;
  /** InvoiCy-only values by definition path without indices, e.g. "Envio/ide/fusoHorario". */
  dropped: Map<string, string>;
  errors: LayoutError[];
  /** Paths of the unknown elements left out under `unknownFields: 'ignore'`. */
  ignored: string[];
}

/** What an element the layout does not know gets: a 145 with a suggestion (default), or left out. */
export type UnknownFields = 'reject' | 'ignore';

// Child definitions by name as defined and lower-cased, built once per definition node: a linear,
// case-folding scan per element was the largest cost of the walk (groups such as ICMS have over a
// hundred fields). Most ERPs spell names as defined, which spares lower-casing each one.
const childIndex = new WeakMap<IField, Map<string, IField>>();

function childDef(idef: IField, name: string): IField | undefined {
  let index = childIndex.get(idef);
  if (!index) {
    index = new Map();
    for (const f of idef.children ?? []) if (!index.has(f.name.toLowerCase())) index.set(f.name.toLowerCase(), f);
    for (const f of idef.children ?? []) if (!index.has(f.name)) index.set(f.name, index.get(f.name.toLowerCase()) ?? f);
    childIndex.set(idef, index);
  }
  return index.get(name) ?? index.get(name.toLowerCase());
}

export function buildTree(envio: OrderedNode[], def: IField, modelo: string | undefined, unknownFields: UnknownFields = 'reject'): WalkResult {
  const root = newNode('Envio', undefined, def);
  const dropped = new Map<string, string>();
  const errors: LayoutError[] = [];
  const ignored: string[] = [];

  const walk = (children: OrderedNode[], idef: IField, node: LayoutNode | undefined, src: string, defPath: string): void => {
    const seen = new Map<string, number>();
    for (const c of children) {
      const tag = tagOf(c);
      if (!tag) continue;
      const name = localName(tag);
      const cdef = childDef(idef, name);
      const kids = (c[tag] as OrderedNode[]) ?? [];
      if (!cdef) {
        if (unknownFields === 'ignore') ignored.push(`${src}/${name}`);
        else errors.push(unknownFieldError(`${src}/${name}`, nearestName(name, (idef.children ?? []).map((f) => f.name))));
        continue;
      }
      const i = (seen.get(cdef.name) ?? 0) + 1;
      seen.set(cdef.name, i);
      const csrc = `${src}/${cdef.name}${cdef.max !== 1 ? `[${i}]` : ''}`;
      const text = cdef.group ? '' : textOf(kids).trim();
      const filled = cdef.group ? kids.some((k) => tagOf(k)) : text !== '';
      if (filled && modelo && !cdef.models.includes(modelo)) {
        errors.push(layoutError(csrc, `não permitido no modelo ${modelo}`, text || undefined));
        continue;
      }
      const to = cdef.to;
      const keep = node !== undefined && to !== undefined;
      if (cdef.group) {
        let target: LayoutNode | undefined;
        if (keep) {
          if (to === '') target = node;
          else {
            const { at, last } = descend(node, to);
            target = child(at, last, cdef.repeated === true, () => csrc);
            target.def = cdef;
          }
        }
        walk(kids, cdef, target, csrc, `${defPath}/${cdef.name}`);
      } else if (text !== '') {
        if (!keep) {
          dropped.set(`${defPath}/${cdef.name}`, text);
          continue;
        }
        const { at, last } = descend(node, to);
        const v: LayoutValue = { value: text, src: csrc };
        const values = at.fields.get(last);
        if (values) values.push(v);
        else at.fields.set(last, [v]);
      }
    }
  };
  walk(envio, def, root, 'Envio', 'Envio');
  prune(root);
  return { root, dropped, errors, ignored };
}

/** Drops groups that ended up without any value (InvoiCy templates send empty groups). */
function prune(node: LayoutNode): boolean {
  for (const [name, list] of node.groups) {
    const kept = list.filter(prune);
    if (kept.length) node.groups.set(name, kept);
    else node.groups.delete(name);
  }
  return node.fields.size > 0 || node.groups.size > 0;
}

/** Trimmed first value of a field of a node (draft extraction in the kinds' parsers). */
export function firstValue(node: LayoutNode | undefined, name: string): string | undefined {
  return node?.fields.get(name)?.[0]?.value.trim();
}

/** First node of a group of a node. */
export function firstGroup(node: LayoutNode | undefined, name: string): LayoutNode | undefined {
  return node?.groups.get(name)?.[0];
}

/**
 * The tree under another série and without its number (`numberField`: nNF, nCT), so the série's
 * sequence allocates one: the focus transition's re-issue (contingency-and-numbering.md §7.4).
 */
export function treeWithSerie(tree: LayoutNode, serie: number, numberField: string): LayoutNode {
  const ide = tree.groups.get('ide')?.[0];
  if (!ide) throw new Error('rascunho sem grupo ide');
  const src = ide.fields.get('serie')?.[0]?.src ?? `${ide.src}/serie`;
  const fields = new Map(ide.fields).set('serie', [{ value: String(serie), src }]);
  fields.delete(numberField);
  const groups = new Map(tree.groups).set('ide', [{ ...ide, fields }]);
  return { ...tree, groups };
}
