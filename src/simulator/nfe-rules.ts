// Business rules on one NF-e/NFC-e (validation step 6 of sefaz-nfe.md §13), pure: facts in, first
// rejection out. Duplicity, EPEC and QR checks need the state and live in autorizacao.ts.
import type { DocModel } from '../fiscal/document-state';
import type { Document, Element } from '@xmldom/xmldom';
import { chaveDv, isAcceptableCnf, isChaveFormat } from '../fiscal/chave';
import { parseDateTime } from '../fiscal/datetime';
import { firstNfeRejection, type NfeRuleFacts } from '../fiscal/nfe-rules';
import { svcTpEmis, ufFromCode } from '../fiscal/ufs';
import { servesUf, type Authorizer } from './authorizers';
import { reject, type Rejection } from './cstat';
import type { DocSummary } from './state';
import { child, childText } from './xmlread';

export const HOMOLOGACAO_DEST_NAME = 'NF-E EMITIDA EM AMBIENTE DE HOMOLOGACAO - SEM VALOR FISCAL';
export const HOMOLOGACAO_FIRST_ITEM = 'NOTA FISCAL EMITIDA EM AMBIENTE DE HOMOLOGACAO - SEM VALOR FISCAL';

export interface NfeFacts {
  id: string;
  chave: string;
  cUF: string;
  cNF: string;
  mod: string;
  serie: string;
  nNF: string;
  dhEmi: string;
  tpNF: string;
  tpEmis: string;
  cDV: string;
  tpAmb: string;
  dhCont?: string;
  xJust?: string;
  emitDoc: string;
  emitIE: string;
  destDoc?: string;
  destName?: string;
  destUF?: string;
  destIE?: string;
  firstXProd?: string;
  vNF: string;
  vICMS: string;
  vST: string;
  qrCode?: string;
  urlChave?: string;
}


/** Reads the fields the rules need from a signed NFe element, parsed once for this and its signature. */
export function nfeFacts(doc: Document): NfeFacts {
  const nfe = doc.documentElement?.localName === 'NFe' ? doc.documentElement : undefined;
  const inf = child(nfe, 'infNFe');
  const ide = child(inf, 'ide');
  const emit = child(inf, 'emit');
  const dest = child(inf, 'dest');
  const supl = child(nfe, 'infNFeSupl');
  const tot = child(child(inf, 'total'), 'ICMSTot');
  const id = inf?.getAttribute('Id') ?? '';
  const t = (el: Element | undefined, name: string) => childText(el, name) ?? '';
  return {
    id,
    chave: id.replace(/^NFe/, ''),
    cUF: t(ide, 'cUF'), cNF: t(ide, 'cNF'), mod: t(ide, 'mod'), serie: t(ide, 'serie'), nNF: t(ide, 'nNF'),
    dhEmi: t(ide, 'dhEmi'), tpNF: t(ide, 'tpNF'), tpEmis: t(ide, 'tpEmis'), cDV: t(ide, 'cDV'), tpAmb: t(ide, 'tpAmb'),
    dhCont: childText(ide, 'dhCont'), xJust: childText(ide, 'xJust'),
    emitDoc: childText(emit, 'CNPJ') ?? childText(emit, 'CPF') ?? '',
    emitIE: t(emit, 'IE'),
    destDoc: dest && (childText(dest, 'CNPJ') ?? childText(dest, 'CPF') ?? childText(dest, 'idEstrangeiro')),
    destName: dest && childText(dest, 'xNome'),
    destUF: dest && childText(child(dest, 'enderDest'), 'UF'),
    destIE: dest && childText(dest, 'IE'),
    firstXProd: childText(child(child(inf, 'det'), 'prod'), 'xProd'),
    vNF: t(tot, 'vNF'), vICMS: t(tot, 'vICMS'), vST: t(tot, 'vST'),
    qrCode: childText(supl, 'qrCode')?.trim(),
    urlChave: childText(supl, 'urlChave')?.trim(),
  };
}

export function summaryOf(f: NfeFacts): DocSummary {
  return {
    dhEmi: f.dhEmi, tpNF: f.tpNF, IE: f.emitIE, destDoc: f.destDoc, destUF: f.destUF, destIE: f.destIE,
    vNF: f.vNF, vICMS: f.vICMS, vST: f.vST,
  };
}

export interface RuleOptions {
  nfceLateCheck: boolean;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** Key consistency (sefaz-nfe.md §4.3): DV 236/253, each part vs ide 502, AAMM 561, cNF 562, 897. */
function checkKey(f: NfeFacts): Rejection | undefined {
  if (!f.id.startsWith('NFe') || !isChaveFormat(f.chave)) return reject('502');
  if (chaveDv(f.chave.slice(0, 43)) !== f.chave[43]) return reject('236');
  if (f.cDV !== f.chave[43]) return reject('253');
  const aamm = f.dhEmi.slice(2, 4) + f.dhEmi.slice(5, 7);
  if (f.chave.slice(2, 6) !== aamm) return reject('561');
  if (f.chave.slice(35, 43) !== f.cNF.padStart(8, '0')) return reject('562', `[chNFe:${f.chave}]`);
  const expected = f.cUF.padStart(2, '0') + aamm + f.emitDoc.padStart(14, '0') + f.mod + f.serie.padStart(3, '0') +
    f.nNF.padStart(9, '0') + f.tpEmis;
  if (f.chave.slice(0, 35) !== expected) return reject('502');
  if (!isAcceptableCnf(f.cNF, f.nNF)) return reject('897');
  return undefined;
}

function checkTpEmis(f: NfeFacts, auth: Authorizer): Rejection | undefined {
  if (auth.kind === 'svc') return f.tpEmis === svcTpEmis(auth.key as 'SVCAN' | 'SVCRS') ? undefined : reject('713');
  if (['3', '6', '7'].includes(f.tpEmis)) return reject('570');
  if (f.mod === '55' && f.tpEmis === '9') return reject('711');
  if (f.mod === '65' && ['2', '4', '5'].includes(f.tpEmis)) return reject('714');
  return undefined;
}

/** dhCont/xJust (sefaz-nfe.md §7.2): 556 with tpEmis 1, 557 missing otherwise, 558 dhCont after receipt
 * (+5 min tolerance, as for dhEmi), 569 dhCont more than 30 days before receipt. */
function checkContingencyEntry(f: NfeFacts, now: Date): Rejection | undefined {
  if (f.tpEmis === '1') return f.dhCont !== undefined || f.xJust !== undefined ? reject('556') : undefined;
  if (f.dhCont === undefined || f.xJust === undefined) return reject('557');
  const dhCont = parseDateTime(f.dhCont);
  if (!dhCont) return reject('225', 'dhCont inválido');
  if (dhCont.getTime() > now.getTime() + 5 * MINUTE) return reject('558');
  if (dhCont.getTime() < now.getTime() - 30 * DAY) return reject('569');
  return undefined;
}

/**
 * 100, or 150 "autorização fora de prazo" for an NF-e issued in contingency (tpEmis ≠ 1) that reaches
 * the authorizer more than 7 days after dhEmi (NT 2025.001, sefaz-nfe.md §12). NFC-e off-line
 * deadlines are per UF (§7.6) and not simulated.
 */
export function authorisedCStat(f: NfeFacts, now: Date): '100' | '150' {
  const dhEmi = parseDateTime(f.dhEmi);
  const late = f.mod === '55' && f.tpEmis !== '1' && dhEmi !== undefined && now.getTime() - dhEmi.getTime() > 7 * DAY;
  return late ? '150' : '100';
}

/** First business rejection of one NF-e at this authorizer, or undefined (sefaz-nfe.md §13 step 6). */
export function checkNfeRules(
  f: NfeFacts, ruleFacts: NfeRuleFacts, auth: Authorizer, tpAmb: string, now: Date, opts: RuleOptions,
): Rejection | undefined {
  if (f.tpAmb !== tpAmb) return reject('252');
  const model = f.mod as DocModel;
  if (auth.kind === 'svc' && model === '65') return reject('783');
  if (!servesUf(auth, ufFromCode(f.cUF), model)) return reject(auth.kind === 'svc' ? '582' : '226');
  const keyProblem = checkKey(f);
  if (keyProblem) return keyProblem;
  const tpEmisProblem = checkTpEmis(f, auth);
  if (tpEmisProblem) return tpEmisProblem;
  const contProblem = checkContingencyEntry(f, now);
  if (contProblem) return contProblem;
  if (tpAmb === '2' && f.destName !== undefined && f.destName !== HOMOLOGACAO_DEST_NAME) return reject('598');
  if (tpAmb === '2' && model === '65' && f.firstXProd !== HOMOLOGACAO_FIRST_ITEM) return reject('373');
  // The rules the document alone decides: the module the gateway's pre-check applies too. The
  // simulator's one endpoint takes both models, so no endpoint model.
  const broken = firstNfeRejection(ruleFacts, { now, nfceLateCheck: opts.nfceLateCheck });
  return broken && { cStat: broken.cStat, xMotivo: broken.xMotivo };
}

/** EPEC reconciliation (467): the fields NT 2014.001 compares. */
export function epecDivergence(nfe: DocSummary, epec: DocSummary): string | undefined {
  const fields: (keyof DocSummary)[] = ['dhEmi', 'tpNF', 'IE', 'destDoc', 'destUF', 'destIE', 'vNF', 'vICMS', 'vST'];
  return fields.find((k) => (nfe[k] ?? '') !== (epec[k] ?? ''));
}
