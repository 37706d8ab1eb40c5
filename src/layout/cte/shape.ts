// What the CT-e definition cannot say by itself, applied to the tree buildTree made: InvoiCy's
// zero-filled template groups, the one modal group ide/modal names, the infDoc items regrouped by
// tipoDocumento, CRT from indSN for 3.00-era layouts, and values in the 3.00 groups 4.00 removed.
import { layoutError } from '../errors';
import type { LayoutError, LayoutNode } from '../types';

/** ide/modal → the modal's root element (inside infModal). */
export const MODAL_ROOTS: Readonly<Record<string, string>> = { '01': 'rodo', '02': 'aereo', '03': 'aquav', '04': 'ferrov', '05': 'duto', '06': 'multimodal' };
const DOC_KINDS: Readonly<Record<string, string>> = { '1': 'infNF', '2': 'infNFe', '3': 'infOutros' };
/** InvoiCy paths of the CT-e 3.00 groups (anulação, its references) that 4.00 no longer has. */
const REMOVED_IN_400 = ['Envio/infCteAnu/', 'Envio/ide/refCTE', 'Envio/infCTeNorm/infCteSub/refCteAnu', 'Envio/infCTeNorm/infCteSub/tomaICMS/'];
const ZERO = /^0*([.,]0*)?$/;

function onlyZeros(node: LayoutNode): boolean {
  for (const values of node.fields.values()) if (values.some((v) => !ZERO.test(v.value.trim()))) return false;
  for (const list of node.groups.values()) if (!list.every(onlyZeros)) return false;
  return true;
}

/**
 * InvoiCy's data-entry template writes every optional group with zeros (official example
 * "envio cte.xml": exped, cobr/fat, ICMSUFFim, Entrega …): such a group is absent, as InvoiCy reads it.
 */
function pruneZeroGroups(node: LayoutNode): void {
  for (const [name, list] of node.groups) {
    const kept = list.filter((n) => !(n.def?.min === 0 && onlyZeros(n)));
    kept.forEach(pruneZeroGroups);
    if (kept.length) node.groups.set(name, kept);
    else node.groups.delete(name);
  }
}

/** Keeps the modal group of ide/modal; another modal group with data is an error. */
function selectModal(infModal: LayoutNode, modal: string | undefined, errors: LayoutError[]): void {
  const root = modal === undefined ? undefined : MODAL_ROOTS[modal.padStart(2, '0')];
  for (const [name, list] of infModal.groups) {
    if (name === root) continue;
    infModal.groups.delete(name);
    for (const n of list) if (!onlyZeros(n)) errors.push(layoutError(n.src, `grupo de outro modal (ide/modal ${modal ?? 'não informado'})`));
  }
  if (root && !infModal.groups.has(root)) errors.push(layoutError(`${infModal.src}/${root}`, 'obrigatório'));
}

/** One infDoc holding the items as infNF, infNFe or infOutros (tipoDocumento 1, 2, 3); SEFAZ takes one kind. */
function regroupDocs(norm: LayoutNode, errors: LayoutError[]): void {
  const items = norm.groups.get('infDoc');
  if (!items) return;
  const infDoc: LayoutNode = { src: 'Envio/infCTeNorm/infDoc', parent: norm, fields: new Map(), groups: new Map() };
  let kind: string | undefined;
  for (const item of items) {
    const sel = item.fields.get('tipoDocumento')?.[0];
    const k = sel && DOC_KINDS[sel.value.trim()];
    if (!sel) errors.push(layoutError(`${item.src}/tipoDocumento`, 'obrigatório'));
    else if (!k) errors.push(layoutError(sel.src, 'valor não permitido', sel.value));
    else if (kind && k !== kind) errors.push(layoutError(sel.src, 'documentos de um só tipo por CT-e', sel.value));
    if (!k || (kind && k !== kind)) continue;
    kind = k;
    const fields = new Map(item.fields);
    fields.delete('tipoDocumento');
    const list = infDoc.groups.get(k) ?? [];
    list.push({ ...item, parent: infDoc, fields });
    infDoc.groups.set(k, list);
  }
  if (infDoc.groups.size) norm.groups.set('infDoc', [infDoc]);
  else norm.groups.delete('infDoc');
}

/**
 * emit/CRT, new in CT-e 4.00, is absent from layouts written for 3.00 (official example
 * "ExemploLayout_CTeRodoviario.xml"); their mandatory imp/ICMS/indSN already states the regime:
 * 1 Simples Nacional → CRT 1, otherwise regime normal → CRT 3.
 */
function crtFromIndSn(root: LayoutNode): void {
  const emit = root.groups.get('emit')?.[0];
  const indSN = root.groups.get('imp')?.[0]?.groups.get('ICMS')?.[0]?.fields.get('indSN')?.[0];
  if (!emit || emit.fields.has('CRT') || !indSN) return;
  emit.fields.set('CRT', [{ value: indSN.value.trim() === '1' ? '1' : '3', src: indSN.src }]);
}

/** Flags SEFAZ accepts only as 1 (ide/indGlobalizado, infCteSub/indAlteraToma): InvoiCy's 0 means absent. */
function dropZeroFlags(root: LayoutNode): void {
  const norm = root.groups.get('infCTeNorm')?.[0];
  for (const [node, flag] of [[root.groups.get('ide')?.[0], 'indGlobalizado'], [norm?.groups.get('infCteSub')?.[0], 'indAlteraToma']] as const) {
    const v = node?.fields.get(flag)?.[0];
    if (v && ZERO.test(v.value.trim())) node.fields.delete(flag);
  }
}

/** A zero CPF beside a CNPJ (or the reverse) is the template's filler, not a second document. */
function dropZeroDocs(root: LayoutNode): void {
  for (const name of ['ide', 'rem', 'exped', 'receb', 'dest']) {
    const node = root.groups.get(name)?.[0];
    if (!node?.fields.has('CNPJ') || !node.fields.has('CPF')) continue;
    for (const doc of ['CPF', 'CNPJ']) if ((node.fields.get(doc) ?? []).every((v) => ZERO.test(v.value.trim()))) node.fields.delete(doc);
  }
}

export function shapeCte(root: LayoutNode, dropped: Map<string, string>, errors: LayoutError[]): void {
  dropZeroFlags(root);
  dropZeroDocs(root);
  pruneZeroGroups(root);
  crtFromIndSn(root);
  const modal = root.groups.get('ide')?.[0]?.fields.get('modal')?.[0]?.value.trim();
  const norm = root.groups.get('infCTeNorm')?.[0];
  const infModal = norm?.groups.get('infModal')?.[0];
  if (infModal) selectModal(infModal, modal, errors);
  if (norm) regroupDocs(norm, errors);
  for (const [path, value] of dropped) {
    if (REMOVED_IN_400.some((p) => path.startsWith(p)) && !ZERO.test(value)) errors.push(layoutError(path, 'não existe no CT-e 4.00', value));
  }
}
