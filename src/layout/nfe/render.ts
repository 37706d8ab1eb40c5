// Rendering of the NF-e/NFC-e 4.00: the envelope (<NFe><infNFe versao="4.00" Id>), the <ide> fields
// the gateway supplies (number, cNF, key DV, dhEmi, tpEmis, contingency entry), the homologação
// texts, and the body after <ide> rendered once per draft; the layout engine (../render) writes the
// content in schema order.
import { buildChave } from '../../fiscal/chave';
import { isGroup } from '../definition';
import { renderContent, renderParticle, withFields, withGroup, type RenderCtx } from '../render';
import type { LayoutError, LayoutNode, LayoutValue } from '../types';
import { nfeLayout } from './definition';
import type { NfeDraft, RenderOptions } from './types';

export const HOMOLOGACAO_DEST_XNOME = 'NF-E EMITIDA EM AMBIENTE DE HOMOLOGACAO - SEM VALOR FISCAL';
export const HOMOLOGACAO_XPROD = 'NOTA FISCAL EMITIDA EM AMBIENTE DE HOMOLOGACAO - SEM VALOR FISCAL';

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
  const ctx: RenderCtx = { def, errors: [] };
  let root = draft.tree;
  const ide = root.groups.get('ide')?.[0] ?? { src: 'Envio/ide', fields: new Map<string, LayoutValue[]>(), groups: new Map<string, LayoutNode[]>() };
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
      root = withGroup(root, 'det', [withGroup(det[0], 'prod', [withFields(prod, { xProd: HOMOLOGACAO_XPROD })]), ...det.slice(1)]);
    }
  }
  const def = nfeLayout();
  const ctx: RenderCtx = { def, errors: [] };
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
