// The layout engine's serialiser: writes a SEFAZ-shaped tree in XSD order by walking the SEFAZ
// schema of a definition (any kind's): element order, choices (ICMS00 … by CST, PISAliq …, refNF …),
// value formats and mandatory elements all come from there. The kinds (nfe/) compute their envelope
// (root element, key, Id …) and call it for the content.
import { escapeText, escapeXml } from '../xml/parse';
import { isGroup, type ChoiceCase, type ChoiceRule, type IField, type LayoutDefinition, type SElement, type SGroup, type SParticle } from './definition';
import { layoutError } from './errors';
import { checkValue, normalizeValue } from './format';
import type { LayoutError, LayoutNode, LayoutValue } from './types';

/** One rendering: the definition it walks and the errors it collects. */
export interface RenderCtx {
  def: LayoutDefinition;
  errors: LayoutError[];
}

// SEFAZ element name → InvoiCy field name, per definition node, built once (asked for every default).
const invoicyNames = new WeakMap<IField, Map<string, string>>();

/** InvoiCy name of the field that would carry a SEFAZ element of this node (for messages). */
function invoicyPath(node: LayoutNode, sefazName: string): string {
  let names = node.def && invoicyNames.get(node.def);
  if (node.def && !names) {
    names = new Map();
    for (const c of node.def.children ?? []) {
      const target = c.to?.split('/').pop();
      if (target !== undefined && !names.has(target)) names.set(target, c.name);
    }
    invoicyNames.set(node.def, names);
  }
  return `${node.src}/${names?.get(sefazName) ?? sefazName}`;
}

const ZERO = /^0*(\.0*)?$/;

function has(node: LayoutNode, p: SParticle): boolean {
  if (isGroup(p)) return p.items.some((i) => has(node, i));
  return node.fields.has(p.name) || node.groups.has(p.name);
}

/** Like has(), but an optional block carrying only zero amounts counts as absent (InvoiCy omits it). */
function hasMeaningful(node: LayoutNode, p: SParticle): boolean {
  if (isGroup(p)) return p.items.some((i) => hasMeaningful(node, i));
  if (node.groups.has(p.name)) return true;
  const vals = node.fields.get(p.name);
  return !!vals && vals.some((v) => !(p.type?.dec && ZERO.test(v.value.trim())));
}

function canBeEmpty(p: SParticle): boolean {
  return p.min === 0 || (isGroup(p) && (p.kind === 'seq' ? p.items.every(canBeEmpty) : p.items.some(canBeEmpty)));
}

function values(node: LayoutNode, owner: string, name: string, ctx: RenderCtx): LayoutValue[] {
  const own = node.fields.get(name);
  if (own) return own;
  const dflt = ctx.def.defaults[`${owner}/${name}`];
  return dflt !== undefined ? [{ value: dflt, src: invoicyPath(node, name) }] : [];
}

function renderSimple(el: SElement, node: LayoutNode, owner: string, out: string[], ctx: RenderCtx): void {
  const vals = values(node, owner, el.name, ctx);
  if (vals.length === 0 && el.min > 0) ctx.errors.push(layoutError(invoicyPath(node, el.name), 'obrigatório'));
  vals.forEach((v, i) => {
    if (el.max !== -1 && i >= el.max) {
      ctx.errors.push(layoutError(v.src, `ocorrência máxima ${el.max}`, v.value));
      return;
    }
    let value = normalizeValue(v.value, el.type);
    let broken = checkValue(value, el.type);
    // Numeric codes padded by the ERP ("01" for a one-digit code) are accepted without the zeros.
    if (broken && /^0+\d+$/.test(value) && !checkValue(value.replace(/^0+(?=\d)/, ''), el.type)) {
      value = value.replace(/^0+(?=\d)/, '');
      broken = undefined;
    }
    // Optional amounts that SEFAZ wants absent rather than zero (TDec_…Opc) are simply omitted.
    if (broken && el.min === 0 && el.type?.dec && ZERO.test(value)) return;
    if (broken) ctx.errors.push(layoutError(v.src, broken, v.value));
    out.push(`<${el.name}>${escapeText(value)}</${el.name}>`);
  });
}

function openTag(el: SElement, node: LayoutNode, ctx: RenderCtx): string {
  let attrs = '';
  for (const a of el.attrs ?? []) {
    const v = node.fields.get(a.name)?.[0];
    if (!v) {
      if (a.required) ctx.errors.push(layoutError(invoicyPath(node, a.name), 'obrigatório'));
      continue;
    }
    const value = normalizeValue(v.value, a.type);
    const broken = checkValue(value, a.type);
    if (broken) ctx.errors.push(layoutError(v.src, broken, v.value));
    attrs += ` ${a.name}="${escapeXml(value)}"`;
  }
  return `<${el.name}${attrs}>`;
}

function renderComplex(el: SElement, nodes: LayoutNode[], out: string[], ctx: RenderCtx): void {
  nodes.forEach((n, i) => {
    if (el.max !== -1 && i >= el.max) {
      ctx.errors.push(layoutError(n.src, `ocorrência máxima ${el.max}`));
      return;
    }
    out.push(openTag(el, n, ctx));
    renderContent(el.content ?? [], n, el.name, out, ctx);
    out.push(`</${el.name}>`);
  });
}

export function renderParticle(p: SParticle, node: LayoutNode, owner: string, out: string[], ctx: RenderCtx): void {
  if (isGroup(p)) {
    if (p.kind === 'seq') {
      if (p.min > 0 || hasMeaningful(node, p)) renderContent(p.items, node, owner, out, ctx);
    } else renderChoice(p, node, owner, out, ctx);
    return;
  }
  if (!p.content) return renderSimple(p, node, owner, out, ctx);
  const nodes = node.groups.get(p.name) ?? [];
  if (nodes.length === 0 && p.min > 0) ctx.errors.push(layoutError(invoicyPath(node, p.name), 'obrigatório'));
  renderComplex(p, nodes, out, ctx);
}

export function renderContent(items: SParticle[], node: LayoutNode, owner: string, out: string[], ctx: RenderCtx): void {
  for (const p of items) renderParticle(p, node, owner, out, ctx);
}

/** Rule key of a choice that shares its owner with another (CT-e Entrega): owner/first branch. */
function choiceKey(choice: SGroup, owner: string): string {
  const first = choice.items[0];
  return `${owner}/${first && !isGroup(first) ? first.name : ''}`;
}

/**
 * Choice branch named by the definition's rule for `owner` (CST → ICMS00 …), if it has one; an
 * element with two choices keys each rule by owner/first branch (Entrega/semData, Entrega/semHora).
 */
/** The case of a choice rule a node's fields select (CST → ICMS00 …), and the field that keyed it. */
export function selectCase(rule: ChoiceRule, node: LayoutNode): { key?: LayoutValue; chosen?: ChoiceCase } {
  const key = (rule.field ?? []).map((f) => node.fields.get(f)?.[0]).find((v) => v !== undefined);
  const value = key?.value.trim();
  const chosen = rule.cases.find((k) => (!k.values || (value !== undefined && k.values.includes(value))) && (k.present ?? []).every((f) => node.fields.has(f)));
  return { key, chosen };
}

function ruleBranch(choice: SGroup, node: LayoutNode, owner: string, ctx: RenderCtx): { branch?: SParticle; node: LayoutNode } | undefined {
  const rule = ctx.def.choices[owner] ?? ctx.def.choices[choiceKey(choice, owner)];
  if (!rule) return undefined;
  const names = rule.field ?? [];
  const { key, chosen: c } = selectCase(rule, node);
  if (!c) {
    if (key) ctx.errors.push(layoutError(key.src, 'valor não permitido', key.value));
    else if (names[0]) ctx.errors.push(layoutError(invoicyPath(node, names[0]), 'obrigatório'));
    return { node };
  }
  let view = node;
  if (rule.aliases) {
    view = { ...node, fields: new Map(node.fields) };
    for (const [to, from] of Object.entries(rule.aliases)) {
      const v = node.fields.get(from);
      if (v && !view.fields.has(to)) view.fields.set(to, v);
    }
  }
  return { branch: choice.items.find((i) => !isGroup(i) && i.name === c.use), node: view };
}

function renderChoice(choice: SGroup, node: LayoutNode, owner: string, out: string[], ctx: RenderCtx): void {
  const ruled = ruleBranch(choice, node, owner, ctx);
  let branch = ruled?.branch;
  const view = ruled?.node ?? node;
  // A branch taken only because it may be empty carries nothing of the node: it is not rendered flat.
  let carried = true;
  if (!ruled) {
    // Without a rule the branch is the one whose elements the document carries the most of.
    let best = 0;
    for (const b of choice.items) {
      const names = isGroup(b) ? b.items : [b, ...(!isGroup(b) && b.content && !node.groups.has(b.name) ? b.content : [])];
      const score = names.filter((i) => has(node, i)).length;
      if (score > best) [best, branch] = [score, b];
    }
    if (!branch) {
      branch = choice.items.find(canBeEmpty);
      carried = false;
    }
    if (!branch && choice.min > 0) {
      const names = choice.items.map((b) => (isGroup(b) ? '' : b.name)).filter(Boolean);
      ctx.errors.push(layoutError(invoicyPath(node, names.join('|')), 'obrigatório'));
    }
  }
  if (!branch) return;
  // A branch element the ERP sent flat (ICMS00 inside ICMS …) is rendered from the same node.
  if (carried && !isGroup(branch) && branch.content && !view.groups.has(branch.name)) renderComplex(branch, [view], out, ctx);
  else renderParticle(branch, view, owner, out, ctx);
}

export function withFields(node: LayoutNode, set: Record<string, string | undefined>): LayoutNode {
  const fields = new Map(node.fields);
  for (const [k, v] of Object.entries(set)) {
    if (v === undefined) fields.delete(k);
    else fields.set(k, [{ value: v, src: fields.get(k)?.[0]?.src ?? invoicyPath(node, k) }]);
  }
  return { ...node, fields };
}
export function withGroup(node: LayoutNode, name: string, list: LayoutNode[]): LayoutNode {
  return { ...node, groups: new Map(node.groups).set(name, list) };
}
