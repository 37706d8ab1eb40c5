// Business rules on one CT-e 4.00 (cte.md §3, §4, §7), pure: facts in, first rejection out. Duplicity
// and everything else that needs the stored state live in services/cte-recepcao.ts and cte-eventos.ts.
import type { Document, Element } from '@xmldom/xmldom';
import { chaveDv, isChaveFormat } from '../fiscal/chave';
import { parseDateTime } from '../fiscal/datetime';
import { svcTpEmis, ufFromCode, type SvcAuthorizer } from '../fiscal/ufs';
import { servesUf, type Authorizer } from './authorizers';
import { cteReject } from './cte-cstat';
import type { Rejection } from './cstat';
import type { CteSummary } from './state';
import { child, childText } from './xmlread';

export interface CteFacts {
  id: string;
  chave: string;
  versao: string;
  cUF: string;
  cCT: string;
  mod: string;
  serie: string;
  nCT: string;
  dhEmi: string;
  tpEmis: string;
  cDV: string;
  tpAmb: string;
  tpCTe: string;
  tpServ: string;
  modal: string;
  emitDoc: string;
  tomaDoc?: string;
  nfeKeys: string[];
  /** infCTeNorm/infCteSub/chCte: the CT-e a substitute (tpCTe 3) replaces. */
  chCteSub?: string;
}

const TOMA3_ROLES: Record<string, string> = { '0': 'rem', '1': 'exped', '2': 'receb', '3': 'dest' };

function docOf(el: Element | undefined): string | undefined {
  return childText(el, 'CNPJ') ?? childText(el, 'CPF');
}

function elements(parent: Element | undefined, name: string): Element[] {
  const found: Element[] = [];
  for (let c = parent?.firstChild; c; c = c.nextSibling) {
    if (c.nodeType === c.ELEMENT_NODE && (c as Element).localName === name) found.push(c as Element);
  }
  return found;
}

/** Reads what the rules need from a signed CTe, parsed once for this and its signature. */
export function cteFacts(doc: Document): CteFacts {
  const cte = doc.documentElement?.localName === 'CTe' ? doc.documentElement : undefined;
  const inf = child(cte, 'infCte');
  const ide = child(inf, 'ide');
  const t = (name: string) => childText(ide, name) ?? '';
  const id = inf?.getAttribute('Id') ?? '';
  const toma3 = childText(child(ide, 'toma3'), 'toma');
  const tomaDoc = toma3 === undefined ? docOf(child(ide, 'toma4')) : docOf(child(inf, TOMA3_ROLES[toma3] ?? ''));
  const infDoc = child(child(inf, 'infCTeNorm'), 'infDoc');
  return {
    id, chave: id.replace(/^CTe/, ''), versao: inf?.getAttribute('versao') ?? '',
    cUF: t('cUF'), cCT: t('cCT'), mod: t('mod'), serie: t('serie'), nCT: t('nCT'), dhEmi: t('dhEmi'), tpEmis: t('tpEmis'),
    cDV: t('cDV'), tpAmb: t('tpAmb'), tpCTe: t('tpCTe'), tpServ: t('tpServ'), modal: t('modal'),
    emitDoc: docOf(child(inf, 'emit')) ?? '',
    tomaDoc,
    nfeKeys: elements(infDoc, 'infNFe').map((e) => childText(e, 'chave') ?? ''),
    chCteSub: childText(child(child(inf, 'infCTeNorm'), 'infCteSub'), 'chCte'),
  };
}

export function cteSummaryOf(f: CteFacts): CteSummary {
  return { dhEmi: f.dhEmi, tpCTe: f.tpCTe, tpServ: f.tpServ, tomaDoc: f.tomaDoc, nfeKeys: f.nfeKeys, substitutes: f.chCteSub };
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Key vs ide (cte.md §3): Id 227, DV 253, each part of the key. */
function checkKey(f: CteFacts): Rejection | undefined {
  if (!f.id.startsWith('CTe') || !isChaveFormat(f.chave)) return cteReject('227');
  if (chaveDv(f.chave.slice(0, 43)) !== f.chave[43] || f.cDV !== f.chave[43]) return cteReject('253');
  const aamm = f.dhEmi.slice(2, 4) + f.dhEmi.slice(5, 7);
  const expected = f.cUF.padStart(2, '0') + aamm + f.emitDoc.padStart(14, '0') + f.mod + f.serie.padStart(3, '0') +
    f.nCT.padStart(9, '0') + f.tpEmis + f.cCT.padStart(8, '0');
  return f.chave.slice(0, 43) === expected ? undefined : cteReject('227', 'chave difere dos campos do CT-e');
}

/** tpEmis vs the authorizer (cte.md §4): 7/8 at a normal one 515; at an SVC its own code 516 and tpCTe 0 517. */
function checkTpEmis(f: CteFacts, auth: Authorizer): Rejection | undefined {
  if (auth.kind === 'svc') {
    if (f.tpEmis !== svcTpEmis(auth.key as SvcAuthorizer)) return cteReject('516');
    return f.tpCTe === '0' ? undefined : cteReject('517');
  }
  return f.tpEmis === '7' || f.tpEmis === '8' ? cteReject('515') : undefined;
}

/** First business rejection of one CT-e at this authorizer, or undefined. */
export function checkCteRules(f: CteFacts, auth: Authorizer, tpAmb: string, now: Date): Rejection | undefined {
  if (f.versao !== '4.00') return cteReject('239', `versão ${f.versao}`);
  if (f.tpAmb !== tpAmb) return cteReject('252');
  if (!servesUf(auth, ufFromCode(f.cUF), '57')) return cteReject('226');
  const key = checkKey(f) ?? checkTpEmis(f, auth);
  if (key) return key;
  if (Number(f.serie) >= 890 && Number(f.serie) <= 899) return cteReject('670');
  const dhEmi = parseDateTime(f.dhEmi);
  if (!dhEmi) return cteReject('215', 'dhEmi inválido');
  if (dhEmi.getTime() > now.getTime() + 5 * MINUTE) return cteReject('212');
  if (now.getTime() - dhEmi.getTime() > 168 * HOUR) return cteReject('228');
  return undefined;
}

/**
 * Fields a CC-e may not change (cte.md §6.2, MOC §13), as grupoAlterado → campos ('*' = the whole group):
 * the key's parts, dates, modal and tomador, the parties' identities, values and taxes.
 */
const CCE_FORBIDDEN: Readonly<Record<string, readonly string[]>> = {
  ide: ['cUF', 'cCT', 'mod', 'serie', 'nCT', 'tpEmis', 'dhEmi', 'modal', 'toma', 'tpCTe', 'tpAmb'],
  toma3: ['*'],
  toma4: ['CNPJ', 'CPF', 'IE'],
  emit: ['CNPJ', 'CPF', 'IE'],
  rem: ['CNPJ', 'CPF', 'IE'],
  dest: ['CNPJ', 'CPF', 'IE'],
  vPrest: ['*'],
  Comp: ['*'],
  infNFe: ['chave'],
  ICMS: ['*'],
  ICMS00: ['*'], ICMS20: ['*'], ICMS45: ['*'], ICMS60: ['*'], ICMS90: ['*'], ICMSOutraUF: ['*'], ICMSSN: ['*'],
  imp: ['*'],
};

/** The first correction a CC-e may not make, as "grupo/campo" (681), or undefined. */
export function forbiddenCorrection(corrections: readonly { grupo: string; campo: string }[]): string | undefined {
  const bad = corrections.find((c) => {
    const fields = CCE_FORBIDDEN[c.grupo];
    return fields !== undefined && (fields.includes('*') || fields.includes(c.campo));
  });
  return bad && `${bad.grupo}/${bad.campo}`;
}
