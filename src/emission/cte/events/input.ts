// InvoiCy's EnvioEvento for the CT-e (cte.md §9, invoicy-contract §11.3; Eventos/Layouts/CTe 4.00 and
// CCe-CTe 4.00) read into one typed input per event, every layout problem at once (code 145, in
// Portuguese). Element names match case-insensitively. Only the request's own fields are checked here:
// the key, the document and the event rules are the handler's (../../../fiscal/cte/event-rules).
//
// Fields the layout has no place for, taken from where an ERP can send them: the comprovante to cancel
// (110181) and the desacordo to cancel (610111) in Evedet/nProtCE and Evedet/nProtEvPrestDes (SEFAZ's
// names) or EvenProt, optional — the handler takes the only active one when absent; the delivery image
// for the gateway to hash in CompEntrega/imagemEntrega (base64), instead of or besides hashEntrega.
import { collapseText, eventDateTime, freeTextProblem } from '../../../fiscal/event-rules';
import { formatCoordinate } from '../../../fiscal/cte/coordinates';
import { hashEntrega, isHashEntrega } from '../../../fiscal/cte/hash-entrega';
import { CTE_EVENT } from '../../../fiscal/cte/event-rules';
import { childNamed, kidsOf, textAt, type OrderedNode } from '../../../xml/ordered';
import { parseXmlOrdered } from '../../../xml/parse';
import { elementsNamed } from '../cce-fields';

/** The layout's error code. */
export const LAYOUT_ERROR = 145;

/** Who and what the event is about, and when. */
export interface CteEventoHeader {
  /** Emitter CNPJ (CteCnpjEmissor / emit CNPJ_emit), left-padded to 14 digits. */
  cnpj: string;
  numero: number;
  serie: number;
  tpAmb: string;
  /** ChaAcesso as sent (checked against the document by the handler). */
  chave?: string;
  tpEmis?: string;
  /** TDateTimeUTC from EveDh + EveFusoHorario (now, when EveDh is absent). */
  dhEvento: string;
  at: Date;
  /** EvenSeq; undefined: the next free one. */
  nSeq?: number;
  /** EvecOrgao: the receiving authorizer's UF code, when the ERP names it. */
  cOrgao?: string;
}

export interface ComprovanteInput {
  /** CompEntrega/nProtCE: the CT-e's authorisation protocol, when the ERP gives it. */
  nProt?: string;
  dhEntrega: string;
  dhHashEntrega: string;
  nDoc: string;
  xNome: string;
  /** Rounded to 6 decimals. */
  latitude?: string;
  longitude?: string;
  /** The ready hash, or the image to hash with the key (see comprovanteHash). */
  hashEntrega?: string;
  imagem?: Buffer;
  chNFe: string[];
}

/** EveTp of InvoiCy's CT-e event layout this service does not offer yet (registro multimodal, insucesso na entrega and its cancel). */
export const CTE_EVENTS_NOT_OFFERED = ['110160', '110190', '110191'] as const;

export type CteEventoInput = CteEventoHeader & (
  | { tpEvento: typeof CTE_EVENT.cancelamento; xJust: string; nProt?: string }
  | { tpEvento: typeof CTE_EVENT.cartaCorrecao; layout: OrderedNode[] }
  | { tpEvento: typeof CTE_EVENT.comprovanteEntrega; comprovante: ComprovanteInput }
  | { tpEvento: typeof CTE_EVENT.cancComprovanteEntrega; nProtCE?: string }
  | { tpEvento: typeof CTE_EVENT.prestDesacordo; xObs?: string }
  | { tpEvento: typeof CTE_EVENT.cancPrestDesacordo; nProtEvPrestDes?: string }
  /** Only the header: the document type answers that it does not offer the event. */
  | { tpEvento: (typeof CTE_EVENTS_NOT_OFFERED)[number] }
);

export type CteEventoRead = { ok: true; input: CteEventoInput } | { ok: false; code: typeof LAYOUT_ERROR; errors: string[] };

/** Collects the problems of one request; each reader returns undefined for a field it could not read. */
class Problems {
  readonly list: string[] = [];
  add(problem: string): undefined {
    this.list.push(problem);
    return undefined;
  }
}

const PROT = /^\d{15}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function integer(p: Problems, value: string | undefined, field: string, required: boolean): number | undefined {
  if (value === undefined) return required ? p.add(`${field}: campo obrigatório não informado`) : undefined;
  if (!/^\d{1,9}$/.test(value)) return p.add(`${field}: valor inválido "${value}" (esperado número inteiro)`);
  return Number(value);
}

function protocol(p: Problems, value: string | undefined, field: string): string | undefined {
  if (value === undefined || value === '0') return undefined;
  return PROT.test(value) ? value : p.add(`${field} inválido "${value}" (esperado o protocolo, 15 dígitos)`);
}

function freeText(p: Problems, value: string | undefined, field: string, min: number, max: number): string | undefined {
  if (value === undefined) return p.add(`${field}: campo obrigatório não informado`);
  const text = collapseText(value);
  const problem = freeTextProblem(text, field, min, max);
  return problem ? p.add(problem) : text;
}

function cnpjOf(p: Problems, value: string | undefined, field: string): string | undefined {
  if (value === undefined) return p.add(`${field}: campo obrigatório não informado`);
  // "Informar zeros não significativos": a number sent without them is taken as meant.
  if (/^\d{1,14}$/.test(value)) return value.padStart(14, '0');
  return /^[0-9A-Z]{12}\d{2}$/.test(value) ? value : p.add(`${field} inválido "${value}" (esperado o CNPJ, 14 caracteres)`);
}

/** A local date-time and its offset as TDateTimeUTC, with the problem named after the layout's fields. */
function dateTime(p: Problems, o: { value: string | undefined; fuso: string | undefined; field: string; fusoField: string; defaultOffset: string; now: Date }): { dhEvento: string; at: Date } | undefined {
  const r = eventDateTime({ eveDh: o.value, fuso: o.fuso, defaultOffset: o.defaultOffset, now: o.now });
  if (!('problem' in r)) return r;
  return p.add(r.problem.replace('EveFusoHorario', o.fusoField).replace('EveDh', o.field));
}

function header(p: Problems, ev: OrderedNode[], inf: OrderedNode[], o: ReadOptions): CteEventoHeader | undefined {
  const cnpj = cnpjOf(p, textAt(ev, ['CteCnpjEmissor']), 'CteCnpjEmissor');
  const numero = integer(p, textAt(ev, ['CteNumero']), 'CteNumero', true);
  const serie = integer(p, textAt(ev, ['CteSerie']), 'CteSerie', true);
  const tpAmb = textAt(ev, ['tpAmb']);
  if (tpAmb !== '1' && tpAmb !== '2') p.add(`tpAmb inválido "${tpAmb ?? ''}" (1 produção, 2 homologação)`);
  const nSeq = integer(p, textAt(inf, ['EvenSeq']), 'EvenSeq', false);
  const when = dateTime(p, { value: textAt(inf, ['EveDh']), fuso: textAt(inf, ['EveFusoHorario']), field: 'EveDh', fusoField: 'EveFusoHorario', ...o });
  const cOrgao = textAt(inf, ['EvecOrgao']);
  if (cOrgao !== undefined && !/^\d{2}$/.test(cOrgao)) p.add(`EvecOrgao inválido "${cOrgao}" (código IBGE da UF, 2 dígitos)`);
  if (cnpj === undefined || numero === undefined || serie === undefined || !when || (tpAmb !== '1' && tpAmb !== '2')) return undefined;
  const chave = textAt(ev, ['ChaAcesso']);
  const tpEmis = textAt(ev, ['tpEmis']);
  return {
    cnpj, numero, serie, tpAmb, dhEvento: when.dhEvento, at: when.at,
    ...(chave !== undefined && { chave }), ...(tpEmis !== undefined && { tpEmis }), ...(nSeq !== undefined && { nSeq }), ...(cOrgao !== undefined && { cOrgao }),
  };
}

function comprovante(p: Problems, det: OrderedNode[], o: ReadOptions): ComprovanteInput | undefined {
  const group = childNamed(det, 'CompEntrega');
  if (!group) return p.add('Evedet/CompEntrega: grupo obrigatório para o Comprovante de Entrega (110180) não informado');
  const c = kidsOf(group);
  const nProt = protocol(p, textAt(c, ['nProtCE']), 'CompEntrega/nProtCE');
  const moment = (field: string, fusoField: string) => {
    const value = textAt(c, [field]);
    if (value === undefined) return p.add(`CompEntrega/${field}: campo obrigatório não informado`);
    return dateTime(p, { value, fuso: textAt(c, [fusoField]), field: `CompEntrega/${field}`, fusoField: `CompEntrega/${fusoField}`, ...o });
  };
  const entrega = moment('dhEntrega', 'FusoEntrega');
  const hashAt = moment('dhHashEntrega', 'FusoHashEntrega');
  const nDoc = freeText(p, textAt(c, ['nDoc']), 'CompEntrega/nDoc', 2, 20);
  const xNome = freeText(p, textAt(c, ['xNome']), 'CompEntrega/xNome', 2, 60);
  const coordinate = (name: 'latitude' | 'longitude', limit: 90 | 180) => {
    const text = textAt(c, [name]);
    if (text === undefined) return undefined;
    return formatCoordinate(text, limit) ?? p.add(`CompEntrega/${name} inválida "${text}" (número de -${limit} a ${limit})`);
  };
  const latitude = coordinate('latitude', 90);
  const longitude = coordinate('longitude', 180);
  const hash = textAt(c, ['hashEntrega']);
  if (hash !== undefined && !isHashEntrega(hash)) p.add(`CompEntrega/hashEntrega inválido "${hash}" (base64 de 20 bytes, 28 caracteres)`);
  const imageText = textAt(c, ['imagemEntrega'])?.replace(/\s+/g, '');
  if (imageText !== undefined && !BASE64.test(imageText)) p.add('CompEntrega/imagemEntrega inválida (esperada a imagem em base64)');
  if (hash === undefined && imageText === undefined) p.add('CompEntrega: informe hashEntrega ou a imagem da entrega em imagemEntrega (base64)');
  const list = childNamed(c, 'InfEntrega');
  const items = list ? kidsOf(list) : [];
  const chNFe = [...elementsNamed(items, 'InfEntregaItem').map((i) => kidsOf(i)), items]
    .flatMap((kids) => elementsNamed(kids, 'chNFe').map((n) => textAt([n], ['chNFe']) ?? ''));
  if (!entrega || !hashAt || nDoc === undefined || xNome === undefined) return undefined;
  return {
    dhEntrega: entrega.dhEvento, dhHashEntrega: hashAt.dhEvento, nDoc, xNome, chNFe,
    ...(nProt !== undefined && { nProt }), ...(latitude !== undefined && { latitude }), ...(longitude !== undefined && { longitude }),
    ...(hash !== undefined && { hashEntrega: hash }), ...(imageText !== undefined && { imagem: Buffer.from(imageText, 'base64') }),
  };
}

/**
 * The hashEntrega to send: computed from the image with the CT-e's key, or the ERP's ready hash; a
 * problem when the ERP sent both and they differ.
 */
export function comprovanteHash(c: ComprovanteInput, chCTe: string): { hashEntrega: string } | { problem: string } {
  const computed = c.imagem && hashEntrega(chCTe, c.imagem);
  if (computed !== undefined && c.hashEntrega !== undefined && computed !== c.hashEntrega) {
    return { problem: `CompEntrega/hashEntrega "${c.hashEntrega}" difere do hash da imagem enviada com a chave ${chCTe} ("${computed}")` };
  }
  const hash = computed ?? c.hashEntrega;
  return hash === undefined ? { problem: 'CompEntrega: informe hashEntrega ou imagemEntrega' } : { hashEntrega: hash };
}

function evento(p: Problems, root: OrderedNode[], o: ReadOptions): CteEventoInput | undefined {
  const evNode = childNamed(root, 'Evento');
  if (!evNode) return p.add('EnvioEvento/Evento: grupo obrigatório não informado');
  const ev = kidsOf(evNode);
  const inf = kidsOf(childNamed(ev, 'EveInf') ?? {});
  const det = kidsOf(childNamed(inf, 'Evedet') ?? {});
  const tpEvento = textAt(inf, ['EveTp']);
  const h = header(p, ev, inf, o);
  switch (tpEvento) {
    case CTE_EVENT.cancelamento: {
      const xJust = freeText(p, textAt(det, ['EvexJust']), 'EvexJust', 15, 255);
      const nProt = protocol(p, textAt(det, ['EvenProt']), 'EvenProt');
      return h && xJust !== undefined ? { ...h, tpEvento, xJust, ...(nProt !== undefined && { nProt }) } : undefined;
    }
    case CTE_EVENT.comprovanteEntrega: {
      const c = comprovante(p, det, o);
      return h && c ? { ...h, tpEvento, comprovante: c } : undefined;
    }
    case CTE_EVENT.cancComprovanteEntrega: {
      const nProtCE = protocol(p, textAt(det, ['nProtCE']) ?? textAt(det, ['EvenProt']), 'nProtCE');
      return h && { ...h, tpEvento, ...(nProtCE !== undefined && { nProtCE }) };
    }
    case CTE_EVENT.prestDesacordo: {
      if (h && h.chave === undefined) p.add('ChaAcesso: obrigatória no evento de Prestação do Serviço em Desacordo');
      const group = kidsOf(childNamed(det, 'PrestDesacordo') ?? {});
      const ind = textAt(group, ['indDesacordo']);
      if (ind !== undefined && ind !== '1') p.add(`PrestDesacordo/indDesacordo inválido "${ind}" (informe 1)`);
      const obs = textAt(group, ['Observacao']);
      const xObs = obs === undefined ? undefined : freeText(p, obs, 'PrestDesacordo/Observacao', 15, 255);
      return h && { ...h, tpEvento, ...(xObs !== undefined && { xObs }) };
    }
    case CTE_EVENT.cancPrestDesacordo: {
      if (h && h.chave === undefined) p.add('ChaAcesso: obrigatória no cancelamento da Prestação do Serviço em Desacordo');
      const nProtEvPrestDes = protocol(p, textAt(det, ['nProtEvPrestDes']) ?? textAt(det, ['EvenProt']), 'nProtEvPrestDes');
      return h && { ...h, tpEvento, ...(nProtEvPrestDes !== undefined && { nProtEvPrestDes }) };
    }
    case CTE_EVENTS_NOT_OFFERED[0]:
    case CTE_EVENTS_NOT_OFFERED[1]:
    case CTE_EVENTS_NOT_OFFERED[2]:
      return h && { ...h, tpEvento };
    default:
      return p.add(tpEvento === undefined
        ? 'EnvioEvento/Evento/EveInf/EveTp: campo obrigatório não informado'
        : `EveTp "${tpEvento}" inválido para CT-e (use 110111 cancelamento, 110180 comprovante de entrega, 110181 cancelamento do comprovante, 610110 prestação em desacordo ou 610111 seu cancelamento; a carta de correção usa o leiaute CC-e)`);
  }
}

/** The CC-e layout: the whole CT-e (ide, emit …) with the corrected values; identified by its ide and emit. */
function cartaCorrecao(p: Problems, root: OrderedNode[], o: ReadOptions): CteEventoInput | undefined {
  const ide = kidsOf(childNamed(root, 'ide') ?? {});
  const emit = kidsOf(childNamed(root, 'emit') ?? {});
  const cnpj = cnpjOf(p, textAt(emit, ['CNPJ_emit']) ?? textAt(emit, ['CNPJ']), 'emit/CNPJ_emit');
  const numero = integer(p, textAt(ide, ['nCT']), 'ide/nCT', true);
  const serie = integer(p, textAt(ide, ['serie']), 'ide/serie', true);
  const tpAmb = textAt(ide, ['tpAmb']);
  if (tpAmb !== '1' && tpAmb !== '2') p.add(`ide/tpAmb inválido "${tpAmb ?? ''}" (1 produção, 2 homologação)`);
  const when = dateTime(p, { value: textAt(ide, ['EveDh']), fuso: textAt(ide, ['fusoHorario']), field: 'ide/EveDh', fusoField: 'ide/fusoHorario', ...o });
  if (cnpj === undefined || numero === undefined || serie === undefined || !when || (tpAmb !== '1' && tpAmb !== '2')) return undefined;
  const tpEmis = textAt(ide, ['tpEmis']);
  return {
    cnpj, numero, serie, tpAmb, dhEvento: when.dhEvento, at: when.at, ...(tpEmis !== undefined && { tpEmis }),
    tpEvento: CTE_EVENT.cartaCorrecao, layout: root,
  };
}

export interface ReadOptions {
  /** The company's UF offset, for a date-time sent without one. */
  defaultOffset: string;
  now: Date;
}

/** The CT-e EnvioEvento: the event layout (with Evento), or the CC-e layout (the CT-e's groups). */
export function readCteEvento(xml: string, o: ReadOptions): CteEventoRead {
  const p = new Problems();
  const rootNode = childNamed(parseXmlOrdered(xml, { removeNSPrefix: true }), 'EnvioEvento');
  if (!rootNode) return { ok: false, code: LAYOUT_ERROR, errors: ['elemento raiz EnvioEvento não encontrado'] };
  const root = kidsOf(rootNode);
  const modelo = textAt(root, ['ModeloDocumento']);
  if (modelo?.toUpperCase() !== 'CTE') p.add(`ModeloDocumento "${modelo ?? ''}" inválido (informe CTe)`);
  // 3.00 too: the official examples carry it, and these fields are the same in both layouts.
  const versao = textAt(root, ['Versao']) ?? textAt(root, ['Versão']);
  if (versao !== '3.00' && versao !== '4.00') p.add(`Versao "${versao ?? ''}" inválida (informe 4.00)`);
  const input = childNamed(root, 'Evento') ? evento(p, root, o) : childNamed(root, 'ide') ? cartaCorrecao(p, root, o) : p.add('EnvioEvento: informe o grupo Evento (ou, na carta de correção, o CT-e corrigido a partir de ide)');
  return input && p.list.length === 0 ? { ok: true, input } : { ok: false, code: LAYOUT_ERROR, errors: p.list };
}
