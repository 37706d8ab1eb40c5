// Rendering of the CT-e 4.00: the envelope (<CTe><infCte versao="4.00" Id>), the <ide> fields the
// gateway supplies (number, cCT, key DV, dhEmi, tpEmis, contingency entry), infModal's versaoModal,
// and infCTeSupl after infCte; the layout engine (../render) writes the content in schema order.
import { buildChave } from '../../fiscal/chave';
import { escapeText } from '../../xml/parse';
import { renderContent, withFields, withGroup, type RenderCtx } from '../render';
import type { LayoutError, LayoutNode, LayoutValue } from '../types';
import { cteLayout } from './definition';
import type { CteDraft, CteRenderOptions } from './types';

export const CTE_NS = 'http://www.portalfiscal.inf.br/cte';

/** The name SEFAZ requires of remetente, expedidor, recebedor and destinatário in homologação (646–649). */
export const HOMOLOGACAO_CTE_XNOME = 'CTE EMITIDO EM AMBIENTE DE HOMOLOGACAO - SEM VALOR FISCAL';
const NAMED_PARTIES = ['rem', 'exped', 'receb', 'dest'] as const;

/** The access key the rendering gives these values (throws when a part is malformed). */
export function cteChave(draft: CteDraft, o: Pick<CteRenderOptions, 'nCT' | 'cCT' | 'dhEmi' | 'tpEmis'>): string {
  const aamm = o.dhEmi.slice(2, 4) + o.dhEmi.slice(5, 7);
  return buildChave({ cUF: draft.cUF, aamm, cnpj: draft.emitCnpj ?? draft.emitCpf ?? '', mod: draft.modelo, serie: draft.serie, nNF: o.nCT, tpEmis: o.tpEmis, cNF: o.cCT });
}

function emptyNode(src: string): LayoutNode {
  return { src, fields: new Map<string, LayoutValue[]>(), groups: new Map<string, LayoutNode[]>() };
}

/** The infModal of the tree with versaoModal 4.00 (the modal schemas of this layout), whatever the ERP sent. */
function withModalVersion(root: LayoutNode): LayoutNode {
  const norm = root.groups.get('infCTeNorm')?.[0];
  const infModal = norm?.groups.get('infModal')?.[0];
  if (!norm || !infModal) return root;
  return withGroup(root, 'infCTeNorm', [withGroup(norm, 'infModal', [withFields(infModal, { versaoModal: '4.00' })])]);
}

export interface CteRenderOutcome { xml: string; chave: string; errors: LayoutError[] }

/** Renders and reports (instead of throwing) everything SEFAZ's schema would reject. */
export function renderCteChecked(draft: CteDraft, opts: CteRenderOptions): CteRenderOutcome {
  const def = cteLayout();
  const ctx: RenderCtx = { def, errors: [] };
  const ide = draft.tree.groups.get('ide')?.[0] ?? emptyNode('Envio/ide');
  const contingency = opts.tpEmis !== '1';
  const ideSet: Record<string, string | undefined> = {
    mod: draft.modelo, nCT: opts.nCT, cCT: opts.cCT, dhEmi: opts.dhEmi, tpEmis: opts.tpEmis, tpAmb: opts.tpAmb, verProc: opts.verProc,
    dhCont: contingency ? opts.dhCont ?? ide.fields.get('dhCont')?.[0]?.value : undefined,
    xJust: contingency ? opts.xJust ?? ide.fields.get('xJust')?.[0]?.value : undefined,
  };
  let chave = '';
  try {
    chave = cteChave(draft, opts);
    ideSet.cDV = chave.slice(43);
  } catch {
    // Field errors below say what is wrong; a dry run still reports them all.
  }
  let root = withModalVersion(withGroup(draft.tree, 'ide', [withFields(ide, ideSet)]));
  if (opts.tpAmb === '2') {
    for (const party of NAMED_PARTIES) {
      const node = root.groups.get(party)?.[0];
      if (node) root = withGroup(root, party, [withFields(node, { xNome: HOMOLOGACAO_CTE_XNOME })]);
    }
  }
  const out: string[] = [`<CTe xmlns="${CTE_NS}"><infCte versao="4.00" Id="CTe${chave}">`];
  renderContent(def.sefaz.content ?? [], root, 'infCte', out, ctx);
  out.push('</infCte>');
  if (opts.qrCodCTe !== undefined) out.push(`<infCTeSupl><qrCodCTe>${escapeText(opts.qrCodCTe)}</qrCodCTe></infCTeSupl>`);
  out.push('</CTe>');
  return { xml: out.join(''), chave, errors: ctx.errors };
}

/** The unsigned, minified CT-e; throws when the draft cannot form a schema-valid document. */
export function renderCte(draft: CteDraft, opts: CteRenderOptions): { xml: string; chave: string } {
  const r = renderCteChecked(draft, opts);
  if (r.errors.length || !r.chave) {
    throw new Error(`CT-e inválido: ${r.errors.map((e) => e.message).join('; ') || 'chave de acesso não calculada'}`);
  }
  return { xml: r.xml, chave: r.chave };
}
