// The corrections of a CT-e CC-e (cte.md §6.2): InvoiCy's CC-e layout carries the whole CT-e with the
// corrected values in the layout's names; it is read and rendered as the CT-e itself (../../layout),
// with the authorised CT-e's number, key and dates, so both sides are in SEFAZ's names and
// ../../fiscal/cte/cce compares them field by field. The earlier corrections are the last registered
// CC-e's, which the new one repeats.
import { cceCorrections, type Correcao } from '../../fiscal/cte/cce';
import { parseCteEnvio, renderCteChecked } from '../../layout';
import type { DocumentRecord, EventRecord } from '../../store/port';
import { kidsOf, tagOf, textAt, type OrderedNode } from '../../xml/ordered';
import type { Refusal } from '../document-type';
import { SitCodigo } from '../codes';
import { correctionsOf, cteFields, findElement } from './cce-fields';
import { parsedXml } from './events-facts';

/** The CC-e layout's own fields beside the CT-e's groups (EveDh in ide: the event's date). */
const EVENT_ONLY = new Set(['evedh']);

/** The layout's EnvioEvento children as the CT-e's Envio (ide without the event's own fields). */
function asEnvio(layout: readonly OrderedNode[]): OrderedNode[] {
  const kids = layout.map((n) => {
    const tag = tagOf(n);
    if (tag?.toLowerCase() !== 'ide') return n;
    return { ...n, [tag]: kidsOf(n).filter((c) => !EVENT_ONLY.has(tagOf(c)?.toLowerCase() ?? '')) };
  });
  return [{ Envio: kids }];
}

function layoutRefusal(problems: readonly string[]): Refusal {
  return { code: SitCodigo.layout, text: `Erro no layout da carta de correção: ${problems.join('; ')}` };
}

/** The last registered CC-e of the CT-e (highest sequence). */
function lastCce(events: readonly EventRecord[], tpEvento: string): EventRecord | undefined {
  return events.filter((e) => e.tpEvento === tpEvento && e.status === 'registered').sort((a, b) => b.nSeq - a.nSeq)[0];
}

/**
 * Every correction the new CC-e carries (the earlier ones repeated), or the refusal: the layout's
 * problems (145), each field a CC-e may not change (681, all in one answer), or nothing to correct.
 */
export function cceFor(
  o: { layout: readonly OrderedNode[]; doc: DocumentRecord; authorisedXml: string | null; events: readonly EventRecord[]; tpEvento: string; verProc: string },
): { corrections: Correcao[] } | Refusal {
  const authorisedXml = o.authorisedXml;
  if (!authorisedXml || !o.doc.chave) return { code: SitCodigo.naoEncontrado, text: 'XML do CT-e autorizado não encontrado: a carta de correção compara o CT-e corrigido com ele' };
  const authorised = parsedXml(authorisedXml);
  const parsed = parseCteEnvio('', asEnvio(o.layout));
  // The problems name the CC-e layout's root, not the Envio it was read as.
  if (!parsed.ok) return layoutRefusal(parsed.errors.map((e) => e.message.replace(/^Envio\//, 'EnvioEvento/')));
  const ide = kidsOf(findElement(authorised, 'ide') ?? {});
  const rendered = renderCteChecked(parsed.draft, {
    nCT: String(o.doc.numero), cCT: o.doc.chave.slice(35, 43), dhEmi: textAt(ide, ['dhEmi']) ?? '', tpEmis: o.doc.tpEmis, tpAmb: o.doc.tpAmb,
    verProc: o.verProc,
  });
  if (rendered.errors.length > 0) return layoutRefusal(rendered.errors.map((e) => e.message));
  const previous = lastCce(o.events, o.tpEvento);
  const r = cceCorrections({
    authorised: cteFields(authorised),
    corrected: cteFields(parsedXml(rendered.xml)),
    earlier: previous?.xmlSigned ? correctionsOf(parsedXml(previous.xmlSigned)) : [],
  });
  if ('problem' in r) return layoutRefusal([r.problem]);
  if ('refusals' in r) {
    const first = r.refusals[0];
    return { code: first.code, text: r.refusals.map((x) => x.text).join('; ') };
  }
  return r;
}
