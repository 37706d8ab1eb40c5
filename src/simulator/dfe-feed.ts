// Who receives what in the distribution (dfe-distribution.md §5): an authorised NF-e (model 55) gives
// the destinatário a resNFe and the transportador and autXML parties the nfeProc (never the emitter;
// a party that is also the destinatário waits for the manifestação); its cancel and CC-e go to the
// same parties (procEventoNFe, or resEvento to a destinatário that has not manifested); a CT-e goes
// as cteProc to tomador, remetente, expedidor, recebedor, destinatário and autXML, and its events
// after it. `onManifestacao` is the hook of the AN event service: ciência, confirmação or operação
// não realizada release the nfeProc to the destinatário, and every manifestação reaches the emitter.
import type { Document, Element } from '@xmldom/xmldom';
import { cnpjRoot } from '../fiscal/cnpj';
import { manifestacaoType } from '../fiscal/manifestacao';
import type { SimulatorCore } from './context';
import { DFE_SCHEMA, procOf, resEvento, resNFe, type ResEventoFields } from './dfe-documents';
import type { DfeEntry, DfeFamily, DfeParties } from './dfe-lists';
import type { DocumentRecord } from './state';
import { child, childText } from './xmlread';

/** The activity base of a party: CNPJ root, or the whole CPF. */
export function activityBase(doc: string): string {
  return doc.length === 11 ? doc : cnpjRoot(doc);
}

/** Appends an entry to a party's list, unless the 60-day activity rule is on and the party is idle. */
function deliver(core: SimulatorCore, tpAmb: string, family: DfeFamily, doc: string, entry: DfeEntry): void {
  const idle = core.options.dfe.inactivityMs;
  if (idle !== undefined) {
    const last = core.dfe.lastActivity(activityBase(doc));
    if (last === undefined || entry.receivedAtMs - last > idle) return;
  }
  core.dfe.append(tpAmb, family, doc, entry);
}

function docOf(el: Element | undefined): string | undefined {
  return childText(el, 'CNPJ') ?? childText(el, 'CPF');
}

function elements(parent: Element | undefined, name: string): Element[] {
  const out: Element[] = [];
  for (let c = parent?.firstChild; c; c = c.nextSibling) if (c.nodeType === c.ELEMENT_NODE && (c as Element).localName === name) out.push(c as Element);
  return out;
}

function infOf(doc: Document, name: string): Element | undefined {
  return child(doc.documentElement ?? undefined, name);
}

/** Distinct parties without the emitter (and without `except`). */
function others(docs: readonly (string | undefined)[], emitter: string, except?: string): string[] {
  return [...new Set(docs.filter((d): d is string => !!d && d !== emitter && d !== except))];
}

function stored(core: SimulatorCore, chave: string, tpAmb: string): DocumentRecord {
  const doc = core.state.getDocument(chave, tpAmb);
  if (!doc) throw new Error(`documento ${chave} ausente da base do simulador`);
  return doc;
}

/** resNFe of a stored NF-e (its status read when the answer is written). */
export function resNFeOf(rec: DocumentRecord): string {
  const emit = /<emit>[\s\S]*?<xNome>([^<]*)<\/xNome>/.exec(rec.nfeXml)?.[1] ?? '';
  const cSitNFe = rec.status === 'denied' ? '2' : rec.status === 'cancelled' ? '3' : '1';
  return resNFe({
    chNFe: rec.chave, emitter: rec.cnpj, xNome: emit, IE: rec.summary.IE, dhEmi: rec.summary.dhEmi, tpNF: rec.summary.tpNF,
    vNF: rec.summary.vNF, digVal: rec.digVal, dhRecbto: rec.dhRecbto, nProt: rec.nProt, cSitNFe,
  });
}

function procEntry(core: SimulatorCore, family: DfeFamily, tpAmb: string, chave: string, atMs: number): DfeEntry {
  return {
    schema: family === 'nfe' ? DFE_SCHEMA.procNFe : DFE_SCHEMA.procCTe, receivedAtMs: atMs, chave,
    render: () => {
      const rec = stored(core, chave, tpAmb);
      return procOf(family, rec.nfeXml, rec.protXml);
    },
  };
}

/** An NF-e just authorised or denied (autorização). NFC-e is not distributed. */
export function feedNfe(core: SimulatorCore, tpAmb: string, rec: DocumentRecord, nfe: Document): void {
  if (rec.mod !== '55') return;
  const inf = infOf(nfe, 'infNFe');
  const dest = docOf(child(inf, 'dest'));
  const full = others([docOf(child(child(inf, 'transp'), 'transporta')), ...elements(inf, 'autXML').map(docOf)], rec.cnpj, dest);
  const atMs = rec.authorizedAtMs;
  core.dfe.setParties(tpAmb, rec.chave, { family: 'nfe', emitter: rec.cnpj, dest, full, released: false });
  if (dest && dest !== rec.cnpj) {
    deliver(core, tpAmb, 'nfe', dest, { schema: DFE_SCHEMA.resNFe, receivedAtMs: atMs, chave: rec.chave, render: () => resNFeOf(stored(core, rec.chave, tpAmb)) });
  }
  if (rec.status !== 'authorized') return;
  for (const party of full) deliver(core, tpAmb, 'nfe', party, procEntry(core, 'nfe', tpAmb, rec.chave, atMs));
}

/** A cancel or CC-e registered for an NF-e: procEventoNFe to its parties, resEvento to a destinatário still without the NF-e. */
export function feedNfeEvent(core: SimulatorCore, tpAmb: string, ev: ResEventoFields & { procXml: string }, atMs: number): void {
  const p = core.dfe.partiesOf(tpAmb, ev.chNFe);
  if (!p || p.family !== 'nfe') return;
  const proc: DfeEntry = { schema: DFE_SCHEMA.procEventoNFe, receivedAtMs: atMs, chave: ev.chNFe, render: () => ev.procXml };
  if (p.dest && p.dest !== p.emitter) {
    const summary = resEvento(ev);
    deliver(core, tpAmb, 'nfe', p.dest, p.released ? proc : { schema: DFE_SCHEMA.resEvento, receivedAtMs: atMs, chave: ev.chNFe, render: () => summary });
  }
  for (const party of p.full) deliver(core, tpAmb, 'nfe', party, proc);
}

export interface Manifestacao {
  tpAmb: string;
  chave: string;
  tpEvento: string;
  /** CNPJ/CPF of the event's author (the destinatário, when the event was accepted). */
  author: string;
  /** procEventoNFe of the registered event. */
  procEventoXml: string;
  atMs: number;
}

/**
 * The AN event service registered a manifestação (210200/210210/210220/210240) for (chNFe, author):
 * ciência, confirmação and operação não realizada by the destinatário append the nfeProc to its list
 * (once: later ones add nothing); every manifestação appends its procEventoNFe to the emitter's.
 */
export function onManifestacao(core: SimulatorCore, m: Manifestacao): void {
  const p = core.dfe.partiesOf(m.tpAmb, m.chave);
  if (!p || p.family !== 'nfe') return;
  // Ciência, confirmação, operação não realizada (fiscal/manifestacao.ts; not desconhecimento).
  if (manifestacaoType(m.tpEvento)?.releasesNfe && m.author === p.dest && !p.released) {
    core.dfe.setParties(m.tpAmb, m.chave, { ...p, released: true });
    deliver(core, m.tpAmb, 'nfe', m.author, procEntry(core, 'nfe', m.tpAmb, m.chave, m.atMs));
  }
  deliver(core, m.tpAmb, 'nfe', p.emitter, { schema: DFE_SCHEMA.procEventoNFe, receivedAtMs: m.atMs, chave: m.chave, render: () => m.procEventoXml });
}

/** A CT-e just authorised: cteProc to every party but the emitter. */
export function feedCte(core: SimulatorCore, tpAmb: string, rec: DocumentRecord, cte: Document, tomaDoc: string | undefined): void {
  const inf = infOf(cte, 'infCte');
  const roles = ['rem', 'exped', 'receb', 'dest'].map((r) => docOf(child(inf, r)));
  const full = others([tomaDoc, ...roles, ...elements(inf, 'autXML').map(docOf)], rec.cnpj);
  const parties: DfeParties = { family: 'cte', emitter: rec.cnpj, full, released: true };
  core.dfe.setParties(tpAmb, rec.chave, parties);
  for (const party of full) deliver(core, tpAmb, 'cte', party, procEntry(core, 'cte', tpAmb, rec.chave, rec.authorizedAtMs));
}

/** A CT-e event registered: procEventoCTe to the CT-e's parties. */
export function feedCteEvent(core: SimulatorCore, tpAmb: string, chave: string, procXml: string, atMs: number): void {
  const p = core.dfe.partiesOf(tpAmb, chave);
  if (!p || p.family !== 'cte') return;
  for (const party of p.full) deliver(core, tpAmb, 'cte', party, { schema: DFE_SCHEMA.procEventoCTe, receivedAtMs: atMs, chave, render: () => procXml });
}
