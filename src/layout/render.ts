// Serialises the SEFAZ-shaped tree in XSD order by walking the SEFAZ schema of the definition:
// element order, choices (ICMS00 … by CST, PISAliq …, refNF …), value formats and mandatory
// elements all come from there; only the envelope fields (chave, Id, cDV …) are computed here.
import { buildChave } from '../fiscal/chave';
import { escapeText, escapeXml } from '../xml/parse';
import { isGroup, nfeLayout, type IField, type LayoutDefinition, type SElement, type SGroup, type SParticle } from './definition';
import { layoutError } from './errors';
import { checkValue, normalizeValue } from './format';
import type { LayoutError, LayoutNode, LayoutValue, NfeDraft, RenderOptions } from './types';

export const HOMOLOGACAO_DEST_XNOME = 'NF-E EMITIDA EM AMBIENTE DE HOMOLOGACAO - SEM VALOR FISCAL';
export const HOMOLOGACAO_XPROD = 'NOTA FISCAL EMITIDA EM AMBIENTE DE HOMOLOGACAO - SEM VALOR FISCAL';

interface Ctx {
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

function values(node: LayoutNode, owner: string, name: string, ctx: Ctx): LayoutValue[] {
  const own = node.fields.get(name);
  if (own) return own;
  const dflt = ctx.def.defaults[`${owner}/${name}`];
  return dflt !== undefined ? [{ value: dflt, src: invoicyPath(node, name) }] : [];
}

function renderSimple(el: SElement, node: LayoutNode, owner: string, out: string[], ctx: Ctx): void {
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

function openTag(el: SElement, node: LayoutNode, ctx: Ctx): string {
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

function renderComplex(el: SElement, nodes: LayoutNode[], out: string[], ctx: Ctx): void {
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

function renderParticle(p: SParticle, node: LayoutNode, owner: string, out: string[], ctx: Ctx): void {
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

function renderContent(items: SParticle[], node: LayoutNode, owner: string, out: string[], ctx: Ctx): void {
  for (const p of items) renderParticle(p, node, owner, out, ctx);
}

/** Choice branch named by the definition's rule for `owner` (CST → ICMS00 …), if it has one. */
function ruleBranch(choice: SGroup, node: LayoutNode, owner: string, ctx: Ctx): { branch?: SParticle; node: LayoutNode } | undefined {
  const rule = ctx.def.choices[owner];
  if (!rule) return undefined;
  const names = rule.field ?? [];
  const key = names.map((f) => node.fields.get(f)?.[0]).find((v) => v !== undefined);
  const value = key?.value.trim();
  const c = rule.cases.find((k) => (!k.values || (value !== undefined && k.values.includes(value))) && (k.present ?? []).every((f) => node.fields.has(f)));
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

function renderChoice(choice: SGroup, node: LayoutNode, owner: string, out: string[], ctx: Ctx): void {
  const ruled = ruleBranch(choice, node, owner, ctx);
  let branch = ruled?.branch;
  const view = ruled?.node ?? node;
  if (!ruled) {
    // Without a rule the branch is the one whose elements the document carries the most of.
    let best = 0;
    for (const b of choice.items) {
      const names = isGroup(b) ? b.items : [b, ...(!isGroup(b) && b.content && !node.groups.has(b.name) ? b.content : [])];
      const score = names.filter((i) => has(node, i)).length;
      if (score > best) [best, branch] = [score, b];
    }
    branch ??= choice.items.find(canBeEmpty);
    if (!branch && choice.min > 0) {
      const names = choice.items.map((b) => (isGroup(b) ? '' : b.name)).filter(Boolean);
      ctx.errors.push(layoutError(invoicyPath(node, names.join('|')), 'obrigatório'));
    }
  }
  if (!branch) return;
  // A branch element the ERP sent flat (ICMS00 inside ICMS …) is rendered from the same node.
  if (!isGroup(branch) && branch.content && !view.groups.has(branch.name)) renderComplex(branch, [view], out, ctx);
  else renderParticle(branch, view, owner, out, ctx);
}

function withFields(node: LayoutNode, set: Record<string, string | undefined>): LayoutNode {
  const fields = new Map(node.fields);
  for (const [k, v] of Object.entries(set)) {
    if (v === undefined) fields.delete(k);
    else fields.set(k, [{ value: v, src: fields.get(k)?.[0]?.src ?? invoicyPath(node, k) }]);
  }
  return { ...node, fields };
}
function withGroup(node: LayoutNode, name: string, list: LayoutNode[]): LayoutNode {
  return { ...node, groups: new Map(node.groups).set(name, list) };
}

type Injected = Partial<RenderOptions> & Pick<RenderOptions, 'tpEmis'>;

/** The access key the rendering gives these values (throws when a part is malformed). */
export function nfeChave(draft: NfeDraft, o: Pick<RenderOptions, 'nNF' | 'cNF' | 'dhEmi' | 'tpEmis'>): string {
  const aamm = o.dhEmi.slice(2, 4) + o.dhEmi.slice(5, 7);
  return buildChave({ cUF: draft.cUF, aamm, cnpj: draft.emitCnpj ?? draft.emitCpf ?? '', mod: draft.modelo, serie: draft.serie, nNF: o.nNF, tpEmis: o.tpEmis, cNF: o.cNF });
}

export interface RenderOutcome { xml: string; chave: string; errors: LayoutError[] }

/** Renders and reports (instead of throwing) everything SEFAZ's schema would reject. */
export function renderChecked(draft: NfeDraft, opts: Injected): RenderOutcome {
  const def = nfeLayout();
  const ctx: Ctx = { def, errors: [] };
  let root = draft.tree;
  const ide = root.groups.get('ide')?.[0] ?? { src: 'Envio/ide', fields: new Map(), groups: new Map() };
  const contingency = opts.tpEmis !== '1';
  const tpAmb = opts.tpAmb ?? draft.tpAmb;
  const ideSet: Record<string, string | undefined> = {
    mod: draft.modelo, nNF: opts.nNF, cNF: opts.cNF, dhEmi: opts.dhEmi, tpEmis: opts.tpEmis, tpAmb, verProc: opts.verProc,
    dhCont: contingency ? opts.dhCont ?? ide.fields.get('dhCont')?.[0]?.value : undefined,
    xJust: contingency ? opts.xJust ?? ide.fields.get('xJust')?.[0]?.value : undefined,
  };
  if (draft.modelo === '65' && !ide.fields.has('tpImp')) ideSet.tpImp = '4';
  for (const k of ['nNF', 'cNF', 'dhEmi', 'tpAmb', 'verProc'] as const) if (ideSet[k] === undefined) delete ideSet[k];

  let chave = '';
  try {
    chave = nfeChave(draft, { nNF: opts.nNF ?? '', cNF: opts.cNF ?? '', dhEmi: opts.dhEmi ?? '', tpEmis: opts.tpEmis });
    ideSet.cDV = chave.slice(43);
  } catch {
    // Field errors below say what is wrong; a dry run still reports them all.
  }
  root = withGroup(root, 'ide', [withFields(ide, ideSet)]);

  const out: string[] = [`<NFe xmlns="http://www.portalfiscal.inf.br/nfe"><infNFe versao="4.00" Id="NFe${chave}">`];
  const [ideParticle] = def.sefaz.content ?? [];
  // The body cache below relies on it: everything that varies per rendering lives in <ide>.
  if (!ideParticle || isGroup(ideParticle) || ideParticle.name !== 'ide') throw new Error('Definição do layout: ide deve ser o primeiro elemento de infNFe');
  renderParticle(ideParticle, root, 'infNFe', out, ctx);
  const body = renderedBody(draft, tpAmb);
  out.push(body.xml, '</infNFe></NFe>');
  return { xml: out.join(''), chave, errors: [...ctx.errors, ...body.errors] };
}

// Everything after <ide> depends only on the draft and tpAmb (the number, key, dates and tpEmis all
// live in <ide>): rendered once per draft — by the parse's dry run — and reused when the document is
// numbered, issued in contingency or re-rendered.
const bodies = new WeakMap<NfeDraft, { tpAmb: string | undefined; xml: string; errors: LayoutError[] }>();

function renderedBody(draft: NfeDraft, tpAmb: string | undefined): { xml: string; errors: LayoutError[] } {
  const cached = bodies.get(draft);
  if (cached && cached.tpAmb === tpAmb) return cached;
  let root = draft.tree;
  // nItem numbers the items in document order (InvoiCy has no such field).
  const items = root.groups.get('det');
  if (items) root = withGroup(root, 'det', items.map((d, i) => withFields(d, { nItem: String(i + 1) })));

  if (tpAmb === '2') {
    const dest = root.groups.get('dest')?.[0];
    if (dest) root = withGroup(root, 'dest', [withFields(dest, { xNome: HOMOLOGACAO_DEST_XNOME })]);
    const det = root.groups.get('det');
    const prod = det?.[0]?.groups.get('prod')?.[0];
    if (draft.modelo === '65' && det && prod) {
      root = withGroup(root, 'det', [withGroup(det[0]!, 'prod', [withFields(prod, { xProd: HOMOLOGACAO_XPROD })]), ...det.slice(1)]);
    }
  }
  const def = nfeLayout();
  const ctx: Ctx = { def, errors: [] };
  const out: string[] = [];
  renderContent((def.sefaz.content ?? []).slice(1), root, 'infNFe', out, ctx);
  const fresh = { tpAmb, xml: out.join(''), errors: ctx.errors };
  bodies.set(draft, fresh);
  return fresh;
}

/** The unsigned, minified NF-e/NFC-e; throws when the draft cannot form a schema-valid document. */
export function renderNfe(draft: NfeDraft, opts: RenderOptions): { xml: string; chave: string } {
  const r = renderChecked(draft, opts);
  if (r.errors.length || !r.chave) {
    throw new Error(`NF-e inválida: ${r.errors.map((e) => e.message).join('; ') || 'chave de acesso não calculada'}`);
  }
  return { xml: r.xml, chave: r.chave };
}
