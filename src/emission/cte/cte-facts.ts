// What the CT-e event rules read of the CT-e itself (../../fiscal/cte/event-rules CteFacts), from its
// parsed XML: tpCTe, tpServ, the tomador's CNPJ/CPF and the NF-e keys it carries.
import { tomadorDocument, type CteParties } from '../../fiscal/cte/tomador';
import { kidsOf, textAt, type OrderedNode } from '../../xml/ordered';
import { elementsNamed, findElement } from './cce-fields';

export interface CteDocumentFacts {
  tpCTe: string;
  tpServ: string;
  tomador: string | null;
  nfeKeys: string[];
}

function documentOf(children: readonly OrderedNode[] | undefined): string | undefined {
  return children && (textAt([...children], ['CNPJ']) ?? textAt([...children], ['CPF']));
}

function partyDoc(infCte: OrderedNode[], group: string): string | undefined {
  const node = findElement(infCte, group);
  return node && documentOf(kidsOf(node));
}

/** The facts of the infCte found in the nodes (a `<CTe>` or a cteProc); undefined without one. */
export function cteDocumentFacts(nodes: readonly OrderedNode[]): CteDocumentFacts | undefined {
  const infCte = findElement(nodes, 'infCte');
  if (!infCte) return undefined;
  const kids = kidsOf(infCte);
  const ide = kidsOf(findElement(kids, 'ide') ?? {});
  const toma4 = findElement(ide, 'toma4');
  const parties: CteParties = {
    toma: textAt(ide, ['toma3', 'toma']) ?? textAt(ide, ['toma4', 'toma']) ?? '',
    rem: partyDoc(kids, 'rem'), exped: partyDoc(kids, 'exped'), receb: partyDoc(kids, 'receb'), dest: partyDoc(kids, 'dest'),
    outros: toma4 && documentOf(kidsOf(toma4)),
  };
  const infDoc = findElement(kids, 'infDoc');
  const nfeKeys = elementsNamed(kidsOf(infDoc ?? {}), 'infNFe').flatMap((n) => textAt(kidsOf(n), ['chave']) ?? []);
  return { tpCTe: textAt(ide, ['tpCTe']) ?? '', tpServ: textAt(ide, ['tpServ']) ?? '', tomador: tomadorDocument(parties), nfeKeys };
}
