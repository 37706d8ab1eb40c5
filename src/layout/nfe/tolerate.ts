// Applies the tolerance table (tolerance.ts) to an NF-e/NFC-e <Envio> before the layout reads it:
// returns the children as a 4.00 document and one note per change, for the document's log line.
// The parsed input is never modified (the SOAP layer parsed it once and may still hold it); groups
// nothing changed in are passed on as they are, so a 4.00 document costs a walk, not a copy.
import { retainedStRate } from '../../fiscal/icms-st';
import { childNamed, kidsOf, localName, tagOf, textOf, type OrderedNode } from '../../xml/ordered';
import { checkValue } from '../format';
import { sefazElement } from './definition';
import { NFE_TOLERANCE, type ToleranceRule } from './tolerance';

export interface Tolerated {
  envio: OrderedNode[];
  /** What was mapped, dropped, omitted or computed, e.g. `Envio/ide/xJus → xJust`. */
  notes: string[];
}

const rules = new Map<string, ToleranceRule>(NFE_TOLERANCE.map((r) => [r.path.toLowerCase(), r]));
const parentOf = (path: string): string => path.slice(0, path.lastIndexOf('/'));
const lotOwners = new Set(NFE_TOLERANCE.filter((r) => r.action.kind === 'lot-to-rastro').map((r) => parentOf(r.path).toLowerCase()));
// A lot leaves its medItem for the product that holds the med group (…/prod/med/medItem → …/prod).
const lotProducts = new Set([...lotOwners].map((o) => parentOf(parentOf(o))));

const ALL_ZEROS = /^0+$/;
const text = (v: string): OrderedNode[] => [{ '#text': v }];
const element = (tag: string, kids: OrderedNode[], like?: OrderedNode): OrderedNode => (like?.[':@'] ? { [tag]: kids, ':@': like[':@'] } : { [tag]: kids });

interface Walk {
  notes: string[];
  indPag?: { value: string; src: string };
  /** Lots of the medItems of the product being walked. */
  lots?: OrderedNode[][];
  /** Lot fields of the medItem being walked. */
  lot?: OrderedNode[];
}

function visit(children: OrderedNode[], path: string, src: string, w: Walk): OrderedNode[] {
  const out: OrderedNode[] = [];
  const counts = new Map<string, number>();
  let changed = false;
  for (const c of children) {
    const tag = tagOf(c);
    if (tag === undefined) {
      out.push(c);
      continue;
    }
    const name = localName(tag);
    const p = `${path}/${name.toLowerCase()}`;
    const n = (counts.get(p) ?? 0) + 1;
    counts.set(p, n);
    const here = `${src}/${name}${/Item$/i.test(name) ? `[${n}]` : ''}`;
    const kids = kidsOf(c);
    const action = rules.get(p)?.action;
    const value = action ? textOf(kids).trim() : '';
    if (action?.kind === 'drop') {
      w.notes.push(`${here} descartado`);
      changed = true;
      continue;
    }
    if (action?.kind === 'rename') {
      out.push(element(action.to, kids, c));
      w.notes.push(`${here} → ${action.to}`);
      changed = true;
      continue;
    }
    if (action?.kind === 'omit-zero' && ALL_ZEROS.test(value) && checkValue(value, sefazElement(action.sefaz.split('/'))?.type)) {
      w.notes.push(`${here} "${value}" omitido`);
      changed = true;
      continue;
    }
    if (action?.kind === 'payment-indicator') {
      w.indPag = { value, src: here };
      changed = true;
      continue;
    }
    if (action?.kind === 'lot-to-rastro' && w.lot) {
      w.lot.push(c);
      w.notes.push(`${here} → Rastro/RastroItem/${name}`);
      changed = true;
      continue;
    }
    if (!kids.some((k) => tagOf(k) !== undefined)) {
      out.push(c);
      continue;
    }
    const inner: Walk = { ...w, lots: lotProducts.has(p) ? [] : w.lots, lot: lotOwners.has(p) ? [] : undefined };
    let newKids = visit(kids, p, here, inner);
    w.indPag = inner.indPag;
    if (inner.lot?.length) w.lots?.push(inner.lot);
    if (lotProducts.has(p) && inner.lots?.length) newKids = [...newKids, { Rastro: inner.lots.map((l) => ({ RastroItem: l })) }];
    if (action?.kind === 'retained-st-rate') newKids = withRetainedStRate(newKids, here, w.notes);
    if (newKids === kids) out.push(c);
    else {
      out.push(element(tag, newKids, c));
      changed = true;
    }
  }
  return changed ? out : children;
}

/** pST computed when a group carries the ICMS-ST retido amounts without it. */
function withRetainedStRate(kids: OrderedNode[], src: string, notes: string[]): OrderedNode[] {
  const field = (n: string) => {
    const hit = childNamed(kids, n);
    return hit ? textOf(kidsOf(hit)).trim() || undefined : undefined;
  };
  const vBCSTRet = field('vBCSTRet');
  const vICMSSTRet = field('vICMSSTRet');
  if (!vBCSTRet || !vICMSSTRet || field('pST') !== undefined) return kids;
  const pST = retainedStRate({ vBCSTRet, vICMSSTRet, vICMSSubstituto: field('vICMSSubstituto'), pFCPSTRet: field('pFCPSTRet') });
  if (pST === undefined) return kids;
  notes.push(`${src}/pST calculado: ${pST}`);
  return [...kids.filter((k) => tagOf(k) === undefined || localName(tagOf(k) ?? '').toLowerCase() !== 'pst'), { pST: text(pST) }];
}

/** 3.10's document-wide payment indicator on each payment without its own (4.00 has only 0 and 1). */
function withPaymentIndicator(envio: OrderedNode[], indPag: { value: string; src: string }, notes: string[]): OrderedNode[] {
  const pag = childNamed(envio, 'pag');
  const items = pag ? kidsOf(pag).filter((k) => localName(tagOf(k) ?? '').toLowerCase() === 'pagitem') : [];
  if (!['0', '1'].includes(indPag.value) || items.length === 0) {
    notes.push(`${indPag.src} "${indPag.value}" descartado`);
    return envio;
  }
  notes.push(`${indPag.src} "${indPag.value}" → pag/pagItem/indPag_pag`);
  return envio.map((top) => {
    if (top !== pag) return top;
    const tag = tagOf(top) ?? 'pag';
    return element(tag, kidsOf(top).map((item) => {
      const itemTag = tagOf(item);
      if (!items.includes(item) || !itemTag || childNamed(kidsOf(item), 'indPag_pag')) return item;
      return element(itemTag, [...kidsOf(item), { indPag_pag: text(indPag.value) }], item);
    }), top);
  });
}

/** The <Envio> children with the tolerance table applied, and what it changed. */
export function tolerateNfe(envio: OrderedNode[]): Tolerated {
  const w: Walk = { notes: [] };
  let out = visit(envio, 'envio', 'Envio', w);
  if (w.indPag) out = withPaymentIndicator(out, w.indPag, w.notes);
  return { envio: out, notes: w.notes };
}
