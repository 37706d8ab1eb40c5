// What the gateway keeps beside each captured document (dfe-distribution.md §3): its key, emitter,
// recipient, emission date, value and situation, read from the unzipped XML by its root element (never
// by the docZip's schema attribute). Lenient on purpose: a distributed document is stored even when a
// field is missing (610130 events fail strict validation in client libraries), with that fact null.
import type { DistDocument } from '../sefaz/dfe-types';
import type { DfeSituation, NewDfeDocument } from '../store/port';
import { parseXml } from '../xml/parse';

type Node = Record<string, unknown>;

function child(node: unknown, ...path: string[]): unknown {
  let at = node;
  for (const name of path) at = at && typeof at === 'object' ? (at as Node)[name] : undefined;
  return at;
}

function text(node: unknown, ...path: string[]): string | null {
  const v = child(node, ...path);
  if (typeof v === 'string') return v.trim() || null;
  if (v && typeof v === 'object' && typeof (v as Node)['#text'] === 'string') return ((v as Node)['#text'] as string).trim() || null;
  return null;
}

function party(node: unknown): string | null {
  return text(node, 'CNPJ') ?? text(node, 'CPF') ?? text(node, 'idEstrangeiro');
}

function date(value: string | null): Date | null {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** Key from an infNFe/infCte Id ("NFe" or "CTe" + 44 digits). */
function keyFromId(id: string | null): string | null {
  const m = id ? /(\d{44})$/.exec(id) : null;
  return m ? m[1] : null;
}

const AUTHORIZED = ['100', '150'];
const DENIED = ['110', '301', '302', '303'];

function protocolSituation(cStat: string | null): DfeSituation | null {
  if (cStat && AUTHORIZED.includes(cStat)) return 'authorized';
  if (cStat && DENIED.includes(cStat)) return 'denied';
  return null;
}

/** cSitNFe of resNFe: 1 autorizada, 2 denegada, 3 cancelada (the NT's text; the XSD lists 1 and 2). */
const SIT_NFE: Record<string, DfeSituation> = { '1': 'authorized', '2': 'denied', '3': 'cancelled' };

type Facts = Omit<NewDfeDocument, 'nsu' | 'schema' | 'root' | 'xml'>;

const NONE: Facts = {
  chave: null, tpEvento: null, emitterDoc: null, emitterName: null, destDoc: null, dhEmi: null, totalValue: null, situation: null, rank: 0,
};

function facts(root: string, node: unknown): Facts {
  switch (root) {
    case 'resNFe':
      return {
        ...NONE, chave: text(node, 'chNFe'), emitterDoc: party(node), emitterName: text(node, 'xNome'), dhEmi: date(text(node, 'dhEmi')),
        totalValue: text(node, 'vNF'), situation: SIT_NFE[text(node, 'cSitNFe') ?? ''] ?? null, rank: 1,
      };
    case 'nfeProc': {
      const inf = child(node, 'NFe', 'infNFe');
      return {
        ...NONE, chave: text(node, 'protNFe', 'infProt', 'chNFe') ?? keyFromId(text(inf, '@_Id')), emitterDoc: party(child(inf, 'emit')),
        emitterName: text(inf, 'emit', 'xNome'), destDoc: party(child(inf, 'dest')), dhEmi: date(text(inf, 'ide', 'dhEmi')),
        totalValue: text(inf, 'total', 'ICMSTot', 'vNF'), situation: protocolSituation(text(node, 'protNFe', 'infProt', 'cStat')), rank: 2,
      };
    }
    case 'cteProc': {
      const inf = child(node, 'CTe', 'infCte');
      return {
        ...NONE, chave: text(node, 'protCTe', 'infProt', 'chCTe') ?? keyFromId(text(inf, '@_Id')), emitterDoc: party(child(inf, 'emit')),
        emitterName: text(inf, 'emit', 'xNome'), destDoc: party(child(inf, 'dest')), dhEmi: date(text(inf, 'ide', 'dhEmi')),
        totalValue: text(inf, 'vPrest', 'vTPrest'), situation: protocolSituation(text(node, 'protCTe', 'infProt', 'cStat')), rank: 2,
      };
    }
    case 'resEvento':
      return { ...NONE, chave: text(node, 'chNFe'), tpEvento: text(node, 'tpEvento'), emitterDoc: party(node), dhEmi: date(text(node, 'dhEvento')) };
    case 'procEventoNFe': {
      const inf = child(node, 'evento', 'infEvento');
      return { ...NONE, chave: text(inf, 'chNFe'), tpEvento: text(inf, 'tpEvento'), emitterDoc: party(inf), dhEmi: date(text(inf, 'dhEvento')) };
    }
    case 'procEventoCTe': {
      const inf = child(node, 'eventoCTe', 'infEvento');
      return { ...NONE, chave: text(inf, 'chCTe'), tpEvento: text(inf, 'tpEvento'), emitterDoc: party(inf), dhEmi: date(text(inf, 'dhEvento')) };
    }
    default:
      return NONE;
  }
}

/** The document as the store keeps it; an unreadable XML is still kept (facts null) rather than lost. */
export function capturedDocument(doc: DistDocument): NewDfeDocument {
  let node: unknown;
  try {
    node = parseXml(doc.xml, { removeNSPrefix: true })[doc.root];
  } catch {
    node = undefined;
  }
  return { nsu: doc.NSU ?? null, schema: doc.schema, root: doc.root, xml: doc.xml, ...(node === undefined ? NONE : facts(doc.root, node)) };
}
