// The admin API of the DF-e distribution (under /__admin/dfe/, JSON, see admin.ts): seed a party's NSU
// list, the co-consumer fault (take N NSUs now, or arm it to take some at random before the gateway's
// distNSU calls), and a party's list size and shared position. Also what RunningSimulator.dfe offers
// in-process.
import { normalizeCnpj } from '../fiscal/cnpj';
import type { SimulatorCore } from './context';
import { coConsumerInstant } from './dfe-coconsumer';
import { onManifestacao, type Manifestacao } from './dfe-feed';
import type { DfeFamily } from './dfe-lists';
import type { DfeConsumer } from './dfe-rules';
import { DfeInputError, seedDfe, type SeedSpec } from './dfe-seed';

export interface DfeParty {
  /** Default '2' (homologação). */
  tpAmb?: string;
  /** '55' NF-e (default) or '57' CT-e distribution. */
  model?: string;
  /** CNPJ (14) or CPF (11). */
  doc: string;
}

export interface DfePosition {
  maxNSU: number;
  consumer: DfeConsumer;
}

/** In-process access for tests (RunningSimulator.dfe). */
export interface SimulatorDfe {
  seed(party: DfeParty & Pick<SeedSpec, 'count' | 'documents' | 'receivedAtMs'>): { first: number; last: number };
  /** The co-consumer takes `n` NSUs now; returns how many it took. */
  advance(party: DfeParty, n: number): number;
  /** The co-consumer takes 1..maxStep NSUs with this probability before each distNSU of the party. */
  arm(party: DfeParty & { probability: number; maxStep: number; seed?: number }): void;
  disarm(party?: DfeParty): void;
  position(party: DfeParty): DfePosition;
  /** The manifestação hook (dfe-feed.ts onManifestacao), as the AN event service calls it. */
  manifestacao(m: Manifestacao): void;
}

function resolve(p: DfeParty): { tpAmb: string; family: DfeFamily; doc: string } {
  const tpAmb = p.tpAmb ?? '2';
  if (tpAmb !== '1' && tpAmb !== '2') throw new DfeInputError('tpAmb deve ser 1 ou 2');
  const model = p.model ?? '55';
  if (model !== '55' && model !== '57') throw new DfeInputError('model deve ser 55 (NF-e) ou 57 (CT-e)');
  const doc = /^\d{11}$/.test(p.doc) ? p.doc : normalizeCnpj(p.doc);
  if (!/^[0-9A-Z]{14}$/.test(doc) && doc.length !== 11) throw new DfeInputError(`doc deve ser CNPJ (14) ou CPF (11): ${p.doc}`);
  return { tpAmb, family: model === '55' ? 'nfe' : 'cte', doc };
}

export function simulatorDfe(core: SimulatorCore): SimulatorDfe {
  return {
    seed: (p) => seedDfe(core, { ...resolve(p), count: p.count, documents: p.documents, receivedAtMs: p.receivedAtMs }),
    advance: (p, n) => {
      const r = resolve(p);
      return core.dfeCoConsumer.advance(core.dfe, r.tpAmb, r.family, r.doc, n, coConsumerInstant(core.now().getTime(), core.options.dfe.holdMs));
    },
    arm: (p) => {
      if (!(p.probability >= 0 && p.probability <= 1)) throw new DfeInputError('probability deve estar entre 0 e 1');
      if (!Number.isInteger(p.maxStep) || p.maxStep < 1) throw new DfeInputError('maxStep deve ser um inteiro >= 1');
      core.dfeCoConsumer.arm({ ...resolve(p), probability: p.probability, maxStep: p.maxStep, seed: p.seed });
    },
    disarm: (p) => {
      if (!p) return core.dfeCoConsumer.clear();
      const r = resolve(p);
      core.dfeCoConsumer.disarm(r.tpAmb, r.family, r.doc);
    },
    position: (p) => {
      const r = resolve(p);
      return { maxNSU: core.dfe.list(r.tpAmb, r.family, r.doc).length, consumer: core.dfe.consumer(r.tpAmb, r.family, r.doc) };
    },
    manifestacao: (m) => onManifestacao(core, m),
  };
}

function party(b: Record<string, unknown>): DfeParty {
  const doc = b.doc;
  if (typeof doc !== 'string' || !doc) throw new DfeInputError('campo doc obrigatório');
  return { doc, tpAmb: b.tpAmb === undefined ? undefined : String(b.tpAmb), model: b.model === undefined ? undefined : String(b.model) };
}

function num(b: Record<string, unknown>, key: string): number | undefined {
  const v = b[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number') throw new DfeInputError(`${key} deve ser um número`);
  return v;
}

function documents(v: unknown): SeedSpec['documents'] {
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) throw new DfeInputError('documents deve ser uma lista');
  return v.map((d: unknown, i) => {
    const o = (d ?? {}) as Record<string, unknown>;
    if (typeof o.schema !== 'string' || typeof o.xml !== 'string') throw new DfeInputError(`documents[${i}]: schema e xml obrigatórios`);
    return { schema: o.schema, xml: o.xml, chave: typeof o.chave === 'string' ? o.chave : undefined };
  });
}

/** The admin routes under /__admin/dfe; undefined when the route is not one of them. */
export function dfeAdminRoute(core: SimulatorCore, route: string, query: URLSearchParams, json: () => Record<string, unknown>): { status: number; body: unknown } | undefined {
  const dfe = simulatorDfe(core);
  if (route === 'POST /__admin/dfe/seed') {
    const b = json();
    const receivedAtMs = b.receivedAt === undefined ? undefined : Date.parse(String(b.receivedAt));
    if (receivedAtMs !== undefined && Number.isNaN(receivedAtMs)) throw new DfeInputError('receivedAt deve ser uma data-hora ISO');
    return { status: 201, body: dfe.seed({ ...party(b), count: num(b, 'count'), documents: documents(b.documents), receivedAtMs }) };
  }
  if (route === 'POST /__admin/dfe/co-consumer') {
    const b = json();
    const advance = num(b, 'advance');
    if (advance !== undefined) return { status: 200, body: { taken: dfe.advance(party(b), advance) } };
    dfe.arm({ ...party(b), probability: num(b, 'probability') ?? Number.NaN, maxStep: num(b, 'maxStep') ?? Number.NaN, seed: num(b, 'seed') });
    return { status: 200, body: { armed: true } };
  }
  if (route === 'DELETE /__admin/dfe/co-consumer') {
    dfe.disarm();
    return { status: 200, body: { ok: true } };
  }
  const position = /^GET \/__admin\/dfe\/([0-9A-Z]{11,14})$/.exec(route);
  if (position) {
    return { status: 200, body: dfe.position({ doc: position[1], tpAmb: query.get('tpAmb') ?? undefined, model: query.get('model') ?? undefined }) };
  }
  return undefined;
}
