// CTeRecepcaoEventoV4: one signed eventoCTe → retEventoCTe (cte.md §5, §6). Generic checks in the
// MOC's order (§5.3): schema 215, signature (29x, 213), 252, 677 cOrgao, 670 série, 628 Id, 629
// type, at an SVC 516/530, the event's own schema 630, 236 key, 631 duplicate, 632 emitter author,
// 755 tomador author, 217 CT-e unknown, 634/635 dhEvento; then each type's rules: 110111 cancel
// (636, 218, 222, 220, 523, 862), 110110 CC-e (636, 218, 681), 110113 EPEC only at the SVC (653,
// 636, 680, 638 → 136), 110180/110181 comprovante de entrega (636, 218, 222,
// 869, 872/873, 865/871, 864, 870 / 866),
// 610110/610111 desacordo (636, 218, 787 / 866). An event refused identically past the CI03
// threshold is 678 (cte.md §8). Registered events (135/136) are stored for consulta and reach the
// CT-e's parties through the DF-e distribution (dfe-feed.ts).
import { chaveDv, isChaveFormat } from '../../fiscal/chave';
import { isValidCnpj, isValidCpf } from '../../fiscal/cnpj';
import { parseDateTime } from '../../fiscal/datetime';
import { normalAuthorizer, svcTpEmis, ufCode, ufFromCode, type SvcAuthorizer } from '../../fiscal/ufs';
import { dhRecbto, nextProtocol, type ServiceContext, type SimulatorCore } from '../context';
import { consumoIndevido } from '../cte-consumo';
import { cteReject, cteXMotivo } from '../cte-cstat';
import { procEventoCTe, retEventoCTe } from '../cte-messages';
import { feedCteEvent } from '../dfe-feed';
import { forbiddenCorrection } from '../cte-rules';
import type { Rejection } from '../cstat';
import type { CteSummary, DocumentRecord } from '../state';
import { checkSignature, schemaError } from '../validation';
import { node, readRoot, text, type XmlNode } from '../xmlread';

const CTE_NS = 'http://www.portalfiscal.inf.br/cte';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

interface EventType {
  /** Root element inside detEvento and its schema (630). */
  root: string;
  schema: string;
  xEvento: string;
  /** Highest nSeqEvento (636). */
  maxSeq: number;
  author: 'emitter' | 'tomador';
}

/** The event catalogue this simulator registers (cte.md §5.4). */
const EVENTS: Record<string, EventType> = {
  '110111': { root: 'evCancCTe', schema: 'evCancCTe_v4.00.xsd', xEvento: 'Cancelamento', maxSeq: 1, author: 'emitter' },
  '110110': { root: 'evCCeCTe', schema: 'evCCeCTe_v4.00.xsd', xEvento: 'Carta de Correcao', maxSeq: 20, author: 'emitter' },
  '110113': { root: 'evEPECCTe', schema: 'evEPECCTe_v4.00.xsd', xEvento: 'EPEC', maxSeq: 1, author: 'emitter' },
  '110180': { root: 'evCECTe', schema: 'evCECTe_v4.00.xsd', xEvento: 'Comprovante de Entrega do CT-e', maxSeq: 999, author: 'emitter' },
  '110181': { root: 'evCancCECTe', schema: 'evCancCECTe_v4.00.xsd', xEvento: 'Cancelamento do Comprovante de Entrega do CT-e', maxSeq: 999, author: 'emitter' },
  '610110': { root: 'evPrestDesacordo', schema: 'evPrestDesacordo_v4.00.xsd', xEvento: 'Prestacao do Servico em Desacordo', maxSeq: 20, author: 'tomador' },
  '610111': { root: 'evCancPrestDesacordo', schema: 'evCancPrestDesacordo_v4.00.xsd', xEvento: 'Cancelamento Prestacao do Servico em Desacordo', maxSeq: 20, author: 'tomador' },
};

/** At an SVC only these are received (530). */
const AT_SVC = new Set(['110111', '110113']);

interface EventInput {
  xml: string;
  cOrgao: string;
  tpAmb: string;
  author: string;
  chave: string;
  tpEvento: string;
  nSeqText: string;
  nSeq: number;
  dhEvento: string;
  id: string;
  det: XmlNode;
}

function readEvento(xml: string): EventInput {
  const inf = node(readRoot(xml, 'eventoCTe', ['infCorrecao', 'infEntrega']).infEvento);
  const f = (k: string) => text(inf[k]) ?? '';
  const det = node(inf.detEvento);
  const tpEvento = f('tpEvento');
  return {
    xml, cOrgao: f('cOrgao'), tpAmb: f('tpAmb'), author: f('CNPJ') || f('CPF'), chave: f('chCTe'), tpEvento,
    nSeqText: f('nSeqEvento'), nSeq: Number(f('nSeqEvento')), dhEvento: f('dhEvento'), id: (inf['@_Id'] as string | undefined) ?? '',
    det: node(det[EVENTS[tpEvento]?.root ?? '']),
  };
}

/** cOrgao an event of this key must carry: the IBGE code of the authorizer's UF (SVRS 43, SVSP 35), or the UF's. */
function expectedCOrgao(ctx: ServiceContext, chave: string): string | undefined {
  const uf = ufFromCode(chave.slice(0, 2));
  if (!uf) return undefined;
  if (ctx.auth.kind === 'svc') return ctx.auth.defaultCuf;
  const authorizer = normalAuthorizer(uf, '57');
  return authorizer === 'SVRS' ? '43' : authorizer === 'SVSP' ? '35' : ufCode(uf);
}

/** 630: the detEvento content against its event schema (it inherits the CT-e namespace). */
async function detSchemaError(core: SimulatorCore, e: EventInput, type: EventType): Promise<string | undefined> {
  const inner = new RegExp(`<${type.root}\\b[\\s\\S]*?</${type.root}>`).exec(e.xml)?.[0];
  if (!inner) return `${type.root} ausente`;
  return schemaError(core, type.schema, inner.replace(`<${type.root}`, `<${type.root} xmlns="${CTE_NS}"`), 'cte');
}

type Target = { doc: DocumentRecord; facts: CteSummary } | undefined;

async function checkCommon(core: SimulatorCore, ctx: ServiceContext, e: EventInput): Promise<Rejection | { target: Target }> {
  const schema = await schemaError(core, 'eventoCTe_v4.00.xsd', e.xml, 'cte');
  if (schema) return cteReject('215', schema);
  const sig = checkSignature(core, e.xml, 'infEvento', e.author);
  if (!sig.ok) return sig.rejection;
  if (e.tpAmb !== ctx.tpAmb) return cteReject('252');
  if (e.cOrgao !== expectedCOrgao(ctx, e.chave)) return cteReject('677');
  if (!isValidCnpj(e.author) && !isValidCpf(e.author)) return cteReject('627');
  const serie = Number(e.chave.slice(22, 25));
  if (serie >= 890 && serie <= 899) return cteReject('670');
  if (e.id !== `ID${e.tpEvento}${e.chave}${e.nSeqText.padStart(3, '0')}`) return cteReject('628');
  const type = EVENTS[e.tpEvento];
  if (!type) return cteReject('629');
  if (ctx.auth.kind === 'svc') {
    if (!AT_SVC.has(e.tpEvento)) return cteReject('530');
    if (e.tpEvento !== '110113' && e.chave[34] !== svcTpEmis(ctx.auth.key as SvcAuthorizer)) return cteReject('516');
  } else if (e.tpEvento === '110113') return cteReject('653');
  const det = await detSchemaError(core, e, type);
  if (det) return cteReject('630', det);
  if (!isChaveFormat(e.chave) || e.chave.slice(20, 22) !== '57' || chaveDv(e.chave.slice(0, 43)) !== e.chave[43]) return cteReject('236');
  const same = core.state.eventsOf(e.chave, ctx.tpAmb, e.tpEvento).find((x) => x.nSeqEvento === e.nSeq);
  if (same) return { cStat: '631', xMotivo: `${cteXMotivo('631')} [nProt:${same.nProt}][dhRegEvento:${same.dhRegEvento}]` };
  const doc = core.state.getDocument(e.chave, ctx.tpAmb);
  const facts = core.state.getCteSummary(e.chave, ctx.tpAmb);
  if (type.author === 'emitter' && e.author !== e.chave.slice(6, 20)) return cteReject('632');
  if (type.author === 'tomador' && facts?.tomaDoc !== undefined && e.author !== facts.tomaDoc) return cteReject('755');
  // EPEC comes before its CT-e; at an SVC only its own authorisations are known.
  if (e.tpEvento === '110113') return { target: undefined };
  if (!doc || !facts || (ctx.auth.kind === 'svc' && doc.authorizer !== ctx.auth.key)) return cteReject('217');
  const dhEvento = parseDateTime(e.dhEvento);
  const dhEmi = parseDateTime(facts.dhEmi);
  if (!dhEvento || (dhEmi && dhEvento.getTime() < dhEmi.getTime() - 5 * MINUTE)) return cteReject('634');
  if (dhEvento.getTime() > ctx.now.getTime() + 5 * MINUTE) return cteReject('635');
  if (e.nSeq < 1 || e.nSeq > type.maxSeq) return cteReject('636');
  return { target: { doc, facts } };
}

interface Registered {
  cStat: '135' | '136';
  /** The CT-e is cancelled (110111). */
  cancels?: boolean;
  /** Protocol of the event this one cancels (110181, 610111). */
  cancelsEvent?: string;
}

type Outcome = Rejection | Registered;

function isRegistered(o: Outcome): o is Registered {
  return o.cStat === '135' || o.cStat === '136';
}

function authorisedOnly(doc: DocumentRecord): Rejection | undefined {
  return doc.status === 'cancelled' ? cteReject('218') : undefined;
}

function cancel(core: SimulatorCore, ctx: ServiceContext, e: EventInput, { doc }: NonNullable<Target>): Outcome {
  const refused = authorisedOnly(doc);
  if (refused) return refused;
  if (text(e.det.nProt) !== doc.nProt) return cteReject('222');
  // cte.md §7: a substitute cannot be cancelled, nor a CT-e that has one.
  const facts = core.state.getCteSummary(e.chave, ctx.tpAmb);
  if (facts?.substitutes !== undefined) return cteReject('574');
  if (facts?.substitutedBy !== undefined) return cteReject('576');
  if (!core.options.lenientCancelDeadline && ctx.now.getTime() - doc.authorizedAtMs > 168 * HOUR) return cteReject('220');
  if (core.state.eventsOf(e.chave, ctx.tpAmb, '110110').length > 0) return cteReject('523');
  if (core.state.activeEvents(e.chave, ctx.tpAmb, '110180').length > 0) return cteReject('862');
  return { cStat: '135', cancels: true };
}

function cartaCorrecao(_core: SimulatorCore, _ctx: ServiceContext, e: EventInput, { doc }: NonNullable<Target>): Outcome {
  const refused = authorisedOnly(doc);
  if (refused) return refused;
  const items = Array.isArray(e.det.infCorrecao) ? (e.det.infCorrecao as XmlNode[]) : [];
  const bad = forbiddenCorrection(items.map((c) => ({ grupo: text(c.grupoAlterado) ?? '', campo: text(c.campoAlterado) ?? '' })));
  return bad ? cteReject('681', bad) : { cStat: '135' };
}

function epec(core: SimulatorCore, ctx: ServiceContext, e: EventInput): Outcome {
  if (e.nSeq !== 1) return cteReject('636');
  if (e.chave[34] !== '4') return cteReject('680');
  // No svcDisabled here: the EPEC covers the emitter's own impediment through the SVC's structure
  // (NT 2013.008), with or without the SVC switched on for the UF (issue 13 §4: SVC 114 → EPEC).
  const [cnpj, serie, nCT] = [e.chave.slice(6, 20), Number(e.chave.slice(22, 25)), Number(e.chave.slice(25, 34))];
  if (core.state.getDocument(e.chave, ctx.tpAmb) || core.state.findByNumber(ctx.tpAmb, cnpj, '57', serie, nCT)) return cteReject('638');
  return { cStat: '136' };
}

/** 872/873: a delivery date-time before the CT-e's dhEmi or in the future (5 min of clock skew allowed). */
function deliveryDateOutOfRange(ctx: ServiceContext, dhEmiText: string) {
  const dhEmi = parseDateTime(dhEmiText)?.getTime() ?? Number.NEGATIVE_INFINITY;
  return (value: string | undefined): boolean => {
    const at = value === undefined ? undefined : parseDateTime(value)?.getTime();
    return at === undefined || at < dhEmi - 5 * MINUTE || at > ctx.now.getTime() + 5 * MINUTE;
  };
}

function comprovante(core: SimulatorCore, ctx: ServiceContext, e: EventInput, { doc, facts }: NonNullable<Target>): Outcome {
  const refused = authorisedOnly(doc);
  if (refused) return refused;
  if (text(e.det.nProt) !== doc.nProt) return cteReject('222');
  if (facts.tpCTe === '1') return cteReject('869');
  const outOfRange = deliveryDateOutOfRange(ctx, facts.dhEmi);
  if (outOfRange(text(e.det.dhEntrega))) return cteReject('872');
  if (outOfRange(text(e.det.dhHashEntrega))) return cteReject('873');
  const keys = (Array.isArray(e.det.infEntrega) ? (e.det.infEntrega as XmlNode[]) : []).map((i) => text(i.chNFe) ?? '');
  // Only a tpServ Normal (0) CT-e lists the NF-e it delivered, and then must list them.
  if (facts.tpServ !== '0' && keys.length > 0) return cteReject('871');
  if (facts.tpServ === '0' && facts.nfeKeys.length > 0 && keys.length === 0) return cteReject('865');
  const foreign = keys.find((k) => !facts.nfeKeys.includes(k));
  if (foreign) return cteReject('864', `[chNFe:${foreign}]`);
  if (core.state.activeEvents(e.chave, ctx.tpAmb, '110180').length > 0) return cteReject('870');
  return { cStat: '135' };
}

/** 110181 / 610111: the event cancelled by its protocol must be an active one of this CT-e (866). */
function cancelEvent(of: string, protField: string) {
  return (core: SimulatorCore, ctx: ServiceContext, e: EventInput, { doc }: NonNullable<Target>): Outcome => {
    if (of === '110180' && text(e.det.nProt) !== doc.nProt) return cteReject('222');
    const nProt = text(e.det[protField]) ?? '';
    const active = core.state.activeEvents(e.chave, ctx.tpAmb, of).some((x) => x.nProt === nProt);
    return active ? { cStat: '135', cancelsEvent: nProt } : cteReject('866');
  };
}

function desacordo(_core: SimulatorCore, ctx: ServiceContext, _e: EventInput, { doc }: NonNullable<Target>): Outcome {
  const refused = authorisedOnly(doc);
  if (refused) return refused;
  return ctx.now.getTime() - doc.authorizedAtMs > 45 * DAY ? cteReject('787') : { cStat: '135' };
}

const HANDLERS: Record<string, (core: SimulatorCore, ctx: ServiceContext, e: EventInput, t: NonNullable<Target>) => Outcome> = {
  '110111': cancel,
  '110110': cartaCorrecao,
  '110180': comprovante,
  '110181': cancelEvent('110180', 'nProtCE'),
  '610110': desacordo,
  '610111': cancelEvent('610110', 'nProtEvPrestDes'),
};

async function outcomeOf(core: SimulatorCore, ctx: ServiceContext, e: EventInput): Promise<Outcome> {
  const common = await checkCommon(core, ctx, e);
  if ('cStat' in common) return common;
  if (!common.target) return epec(core, ctx, e);
  // Any event but the cancel (576 there) on a CT-e already substituted (cte.md §7).
  if (e.tpEvento !== '110111' && common.target.facts.substitutedBy !== undefined) return cteReject('664');
  return HANDLERS[e.tpEvento](core, ctx, e, common.target);
}

export async function cteRecepcaoEvento(core: SimulatorCore, ctx: ServiceContext, xml: string): Promise<string> {
  const e = readEvento(xml);
  const cOrgao = /^\d{2}$/.test(e.cOrgao) ? e.cOrgao : ctx.auth.defaultCuf;
  const base = { cOrgao, chCTe: e.chave || undefined, tpEvento: e.tpEvento || undefined, nSeqEvento: e.nSeqText || undefined };
  const outcome = await outcomeOf(core, ctx, e);
  if (!isRegistered(outcome)) {
    const limit = core.options.cteConsumo.eventRejections;
    const r = consumoIndevido(core, `CI03:${e.id}:${outcome.cStat}`, limit, ctx.now.getTime()) ? cteReject('678') : outcome;
    return retEventoCTe(ctx, { ...base, cStat: r.cStat, xMotivo: r.xMotivo });
  }
  const registered = outcome;
  const dhRegEvento = dhRecbto(ctx);
  const nProt = nextProtocol(core, ctx, e.chave.slice(0, 2));
  const ret = retEventoCTe(ctx, { ...base, cStat: registered.cStat, xMotivo: cteXMotivo(registered.cStat), xEvento: EVENTS[e.tpEvento].xEvento, dhRegEvento, nProt });
  const procXml = procEventoCTe(e.xml, ret);
  core.state.insertEvent({ tpAmb: ctx.tpAmb, chave: e.chave, tpEvento: e.tpEvento, nSeqEvento: e.nSeq, nProt, dhRegEvento, procXml, createdAtMs: ctx.now.getTime() });
  feedCteEvent(core, ctx.tpAmb, e.chave, procXml, ctx.now.getTime());
  if (registered.cancels) core.state.setStatus(e.chave, ctx.tpAmb, 'cancelled');
  if (registered.cancelsEvent) core.state.cancelCteEvent(ctx.tpAmb, e.chave, registered.cancelsEvent);
  return ret;
}
