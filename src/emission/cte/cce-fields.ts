// The CC-e's inputs read from parsed XML (cte.md §6.2): the flat field list of a CT-e's infCte — the
// authorised `<CTe>` (or its cteProc) on one side, the CT-e rendered from InvoiCy's CC-e layout on the
// other, both in SEFAZ names so ../../fiscal/cte/cce compares them — and the infCorrecao list of an
// earlier CC-e, which the next one repeats.
import type { CteField, Correcao } from '../../fiscal/cte/cce';
import { kidsOf, localName, tagOf, textAt, textOf, type OrderedNode } from '../../xml/ordered';

/** CT-e 4.00 groups with maxOccurs > 1 (cte_v4.00.xsd and the modal schemas): their fields carry an item number. */
const REPEATED = new Set([
  'Comp', 'ObsCont', 'ObsFisco', 'autXML', 'balsa', 'cInfManu', 'det', 'detCont', 'dup', 'emiDocAnt', 'ferroEnv',
  'idDocAnt', 'idDocAntEle', 'idDocAntPap', 'infCTeMultimodal', 'infCteComp', 'infDocAnt', 'infDocRef', 'infEspecie',
  'infGTVe', 'infNF', 'infNFe', 'infNFeTranspParcial', 'infOutros', 'infPercurso', 'infQ', 'infUnidCarga',
  'infUnidTransp', 'infVeiculo', 'lacUnidCarga', 'lacUnidTransp', 'lacre', 'occ', 'pass', 'peri', 'seg', 'veicNovos',
]);
/** Parts of infCte's surroundings that are no CT-e field. */
const SKIPPED = new Set(['Signature', 'infCTeSupl']);

function nameOf(n: OrderedNode): string | undefined {
  const tag = tagOf(n);
  return tag === undefined ? undefined : localName(tag);
}

function elements(children: readonly OrderedNode[]): OrderedNode[] {
  return children.filter((c) => nameOf(c) !== undefined);
}

/** The child elements named `name` (ignoring case, as InvoiCy names are matched), in order. */
export function elementsNamed(children: readonly OrderedNode[], name: string): OrderedNode[] {
  const lower = name.toLowerCase();
  return children.filter((c) => nameOf(c)?.toLowerCase() === lower);
}

/** The first element named `name` at any depth (document order). */
export function findElement(nodes: readonly OrderedNode[], name: string): OrderedNode | undefined {
  for (const n of nodes) {
    const tag = nameOf(n);
    if (tag === undefined) continue;
    if (tag === name) return n;
    const hit = findElement(kidsOf(n), name);
    if (hit) return hit;
  }
  return undefined;
}

function collect(group: string, children: readonly OrderedNode[], item: number | undefined, out: CteField[]): void {
  const seen = new Map<string, number>();
  for (const c of elements(children)) {
    const name = nameOf(c) as string;
    if (SKIPPED.has(name)) continue;
    const index = (seen.get(name) ?? 0) + 1;
    seen.set(name, index);
    const kids = kidsOf(c);
    const own = REPEATED.has(name) ? index : item;
    if (elements(kids).length > 0) collect(name, kids, own, out);
    else {
      const value = textOf(kids).trim();
      if (value !== '') out.push({ group, field: name, value, ...(own !== undefined && { item: own }) });
    }
  }
}

/** Every filled field of the infCte found in the nodes (a `<CTe>`, a cteProc or a rendered CT-e). */
export function cteFields(nodes: readonly OrderedNode[]): CteField[] {
  const infCte = findElement(nodes, 'infCte');
  if (!infCte) return [];
  const out: CteField[] = [];
  collect('infCte', kidsOf(infCte), undefined, out);
  return out;
}

/** The infCorrecao list of a CC-e (its eventoCTe or procEventoCTe). */
export function correctionsOf(nodes: readonly OrderedNode[]): Correcao[] {
  const ev = findElement(nodes, 'evCCeCTe');
  if (!ev) return [];
  return elementsNamed(kidsOf(ev), 'infCorrecao').map((c) => {
    const kids = kidsOf(c);
    const item = textAt(kids, ['nroItemAlterado']);
    return {
      grupoAlterado: textAt(kids, ['grupoAlterado']) ?? '',
      campoAlterado: textAt(kids, ['campoAlterado']) ?? '',
      valorAlterado: textAt(kids, ['valorAlterado']) ?? '',
      ...(item !== undefined && { nroItemAlterado: Number(item) }),
    };
  });
}
