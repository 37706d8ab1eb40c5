// What the CT-e event rules (../../fiscal/cte/event-rules CteFacts) know of a stored CT-e: its row, the
// facts read from its XML (when the gateway issued it) and the events registered for it, each with what
// it cancels, its author and the NF-e keys of a comprovante, read back from the signed event.
import type { CteEventFact, CteFacts } from '../../fiscal/cte/event-rules';
import type { DocumentRecord, EventRecord } from '../../store/port';
import { kidsOf, textAt, type OrderedNode } from '../../xml/ordered';
import { parseXmlOrdered } from '../../xml/parse';
import type { CompanyContext } from '../context';
import { elementsNamed, findElement } from './cce-fields';
import { cteDocumentFacts } from './cte-facts';

export function parsedXml(xml: string): OrderedNode[] {
  return parseXmlOrdered(xml, { removeNSPrefix: true });
}

function eventFact(ev: EventRecord & { nProt: string }): CteEventFact {
  const nodes = ev.xmlSigned ? parsedXml(ev.xmlSigned) : [];
  const inf = kidsOf(findElement(nodes, 'infEvento') ?? {});
  const det = kidsOf(findElement(inf, 'detEvento') ?? {});
  const body = det.length > 0 ? kidsOf(det[0]) : [];
  const cancelsProt = textAt(body, ['nProtCE']) ?? textAt(body, ['nProtEvPrestDes']);
  const author = textAt(inf, ['CNPJ']) ?? textAt(inf, ['CPF']);
  const chNFe = elementsNamed(body, 'infEntrega').flatMap((n) => textAt(kidsOf(n), ['chNFe']) ?? []);
  return {
    tpEvento: ev.tpEvento, nProt: ev.nProt,
    ...(cancelsProt !== undefined && { cancelsProt }), ...(author !== undefined && { author }), ...(chNFe.length > 0 && { chNFe }),
  };
}

/**
 * The facts of a stored CT-e. A CT-e the gateway did not issue (a tomador's reference to another
 * company's CT-e) has no XML here: its tomador, type and documents are SEFAZ's to check.
 */
/** The CT-e's XML as authorised (its cteProc, else the signed CT-e); null for a CT-e the gateway did not issue. */
export async function authorisedXml(ctx: CompanyContext, doc: DocumentRecord): Promise<string | null> {
  const x = await ctx.store.getDocumentXml(ctx.company.id, doc.id, ['xmlProc', 'xmlSigned']);
  return x?.xmlProc ?? x?.xmlSigned ?? null;
}

export async function cteFactsOf(ctx: CompanyContext, doc: DocumentRecord): Promise<CteFacts & { known: boolean }> {
  const xml = await authorisedXml(ctx, doc);
  const own = xml ? cteDocumentFacts(parsedXml(xml)) : undefined;
  const events = (await ctx.store.listEvents(ctx.company.id, doc.id))
    .filter((e): e is EventRecord & { nProt: string } => e.status === 'registered' && e.nProt !== null)
    .map(eventFact);
  return {
    docStatus: doc.docStatus, dhEmi: doc.dhEmi, dhAut: doc.dhAut, nProt: doc.nProt, tpEmis: doc.tpEmis,
    tpCTe: own?.tpCTe ?? '0', tpServ: own?.tpServ ?? '0', tomador: own?.tomador ?? null, nfeKeys: own?.nfeKeys ?? [],
    // SEFAZ knows of a substitute CT-e and of the EPEC's instant; the gateway leaves 664 and 698 to it.
    substituted: false, dhEpec: null, events, known: own !== undefined,
  };
}
