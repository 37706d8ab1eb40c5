// A small in-memory Ambiente Nacional for the capture's tests, after dfe-distribution.md §10 and the
// observed behaviour of §5.1: per (CNPJ, model) an append-only NSU list, the last ultNSU handed out,
// the one-hour wait after 137 / ultNSU = maxNSU, 656 blocks restarted by any query inside them, the
// 20-per-hour key-query limit, NSUs never generated for the party (consNSU → 137), and a co-consumer
// that takes NSUs away. It records every call, every 656 and every query sent inside a block.
import crypto from 'node:crypto';
import { withCnpjCheckDigits } from '../../src/fiscal/cnpj';
import type { DistributionSource } from '../../src/distribution/capture';
import type { DistAnswer, DistDocument, DistRequest } from '../../src/sefaz/dfe-types';

const HOUR = 3_600_000;
const pad = (n: number) => String(n).padStart(15, '0');

export function randomCnpj(): string {
  return withCnpjCheckDigits(Array.from(crypto.randomBytes(12), (b) => String(b % 10)).join(''));
}

interface Party {
  docs: Map<number, DistDocument>;
  /** NSUs the AN generated for another party of the base: distNSU skips them, consNSU answers 137. */
  hidden: Set<number>;
  max: number;
  lastReturned?: number;
  nothingUntil: number;
  blockedUntil: number;
  keyLog: number[];
}

export interface AnCall {
  at: Date;
  doc: string;
  model: string;
  kind: string;
  asked: string;
  cStat: string;
  ultNSU?: string;
}

let keySeq = 0;

export function fakeChave(emitter = '11222333000181', model = '55'): string {
  keySeq++;
  return `352606${emitter}${model}001${String(keySeq).padStart(9, '0')}1${String(keySeq).padStart(8, '0')}0`;
}

export function resNFeXml(chave: string, emitter = '11222333000181'): string {
  return `<resNFe xmlns="http://www.portalfiscal.inf.br/nfe" versao="1.01"><chNFe>${chave}</chNFe><CNPJ>${emitter}</CNPJ><xNome>Emitente Ltda</xNome>`
    + '<IE>111111111111</IE><dhEmi>2026-06-01T09:00:00-03:00</dhEmi><tpNF>1</tpNF><vNF>150.00</vNF><dhRecbto>2026-06-01T09:00:05-03:00</dhRecbto>'
    + '<nProt>135260000000001</nProt><cSitNFe>1</cSitNFe></resNFe>';
}

export function nfeProcXml(chave: string, dest: string, emitter = '11222333000181'): string {
  return `<nfeProc xmlns="http://www.portalfiscal.inf.br/nfe" versao="4.00"><NFe><infNFe Id="NFe${chave}" versao="4.00"><ide><dhEmi>2026-06-01T09:00:00-03:00</dhEmi></ide>`
    + `<emit><CNPJ>${emitter}</CNPJ><xNome>Emitente Ltda</xNome></emit><dest><CNPJ>${dest}</CNPJ></dest><total><ICMSTot><vNF>150.00</vNF></ICMSTot></total></infNFe></NFe>`
    + `<protNFe versao="4.00"><infProt><chNFe>${chave}</chNFe><cStat>100</cStat></infProt></protNFe></nfeProc>`;
}

export class FakeAmbienteNacional {
  readonly calls: AnCall[] = [];
  /** Queries that arrived while the party was blocked (each restarts the block): the gateway's fault. */
  earlyRetries = 0;
  private readonly parties = new Map<string, Party>();
  private failures = 0;

  constructor(private readonly clock: () => Date, private readonly opts: { docsPerAnswer?: number } = {}) {}

  private party(doc: string, model: string): Party {
    const key = `${doc}:${model}`;
    let p = this.parties.get(key);
    if (!p) {
      p = { docs: new Map(), hidden: new Set(), max: 0, nothingUntil: 0, blockedUntil: 0, keyLog: [] };
      this.parties.set(key, p);
    }
    return p;
  }

  /** Appends documents for the party; returns their NSUs. */
  add(doc: string, model: string, xmls: { root: string; schema: string; xml: string }[]): number[] {
    const p = this.party(doc, model);
    return xmls.map((x) => {
      const nsu = ++p.max;
      p.docs.set(nsu, { NSU: pad(nsu), ...x });
      return nsu;
    });
  }

  /** n summaries (resNFe) for the party. */
  addSummaries(doc: string, n: number): number[] {
    return this.add(doc, '55', Array.from({ length: n }, () => ({ root: 'resNFe', schema: 'resNFe_v1.01.xsd', xml: resNFeXml(fakeChave()) })));
  }

  /** n NSUs generated for someone else of the base: holes in the party's sequence. */
  addHidden(doc: string, model: string, n: number): number[] {
    const p = this.party(doc, model);
    return Array.from({ length: n }, () => {
      const nsu = ++p.max;
      p.hidden.add(nsu);
      return nsu;
    });
  }

  /** Another system consumes the party's next n NSUs (the gateway never sees them through distNSU). */
  coConsume(doc: string, model: string, n: number): void {
    const p = this.party(doc, model);
    p.lastReturned = Math.min((p.lastReturned ?? 0) + n, p.max);
  }

  /** The party is blocked for an hour, as after a 656 caused by another system. */
  block(doc: string, model: string): void {
    this.party(doc, model).blockedUntil = this.clock().getTime() + HOUR;
  }

  /** The next n calls fail without an answer (transport). */
  failNext(n = 1): void {
    this.failures += n;
  }

  get consumoIndevido(): AnCall[] {
    return this.calls.filter((c) => c.cStat === '656');
  }

  readonly source: DistributionSource = (_company, req) => Promise.resolve(this.answer(req));

  private answer(req: DistRequest): DistAnswer {
    const now = this.clock().getTime();
    const asked = req.query.kind === 'distNSU' ? req.query.ultNSU : req.query.kind === 'consNSU' ? req.query.NSU : req.query.chave;
    if (this.failures > 0) {
      this.failures--;
      this.calls.push({ at: new Date(now), doc: req.doc, model: req.model, kind: req.query.kind, asked, cStat: 'transport' });
      throw new Error('ECONNRESET (simulado)');
    }
    const p = this.party(req.doc, req.model);
    const a = req.query.kind === 'distNSU' ? this.distNSU(p, Number(req.query.ultNSU), now) : this.consNSU(p, req.query.kind === 'consNSU' ? Number(req.query.NSU) : NaN, now);
    this.calls.push({ at: new Date(now), doc: req.doc, model: req.model, kind: req.query.kind, asked, cStat: a.cStat, ultNSU: a.ultNSU });
    return a;
  }

  private blocked(p: Party, now: number, xMotivo: string, ultNSU?: number): DistAnswer {
    p.blockedUntil = now + HOUR;
    return { cStat: '656', xMotivo: `Rejeicao: Consumo Indevido (${xMotivo})`, ultNSU: ultNSU === undefined ? undefined : pad(ultNSU), maxNSU: pad(0), documents: [] };
  }

  private distNSU(p: Party, u: number, now: number): DistAnswer {
    if (now < p.blockedUntil) {
      this.earlyRetries++;
      return this.blocked(p, now, 'Bloqueio em andamento. Tente apos 1 hora', p.lastReturned ?? u);
    }
    if (now < p.nothingUntil) return this.blocked(p, now, 'Deve ser aguardado 1 hora para efetuar nova solicitacao caso nao existam mais documentos a serem pesquisados. Tente apos 1 hora', p.lastReturned ?? u);
    if (p.lastReturned !== undefined && u !== p.lastReturned) {
      if (u > p.lastReturned) return this.blocked(p, now, 'Deve ser utilizado o ultNSU nas solicitacoes subsequentes. Tente apos 1 hora', p.lastReturned);
      // §5.1 as observed: another system took the NSUs up to lastReturned; an empty answer moves us there.
      if (p.lastReturned >= p.max) p.nothingUntil = now + HOUR;
      return { cStat: '137', xMotivo: 'Nenhum documento localizado', ultNSU: pad(p.lastReturned), maxNSU: pad(p.max), documents: [] };
    }
    if (u > p.max) return { cStat: '589', xMotivo: 'Rejeicao: NSU informado superior ao maior NSU da base de dados', ultNSU: pad(u), maxNSU: pad(p.max), documents: [] };
    const limit = this.opts.docsPerAnswer ?? 50;
    const docs: DistDocument[] = [];
    for (let n = u + 1; n <= p.max && docs.length < limit; n++) {
      const d = p.docs.get(n);
      if (d) docs.push(d);
    }
    if (docs.length === 0) {
      p.lastReturned = p.max;
      p.nothingUntil = now + HOUR;
      return { cStat: '137', xMotivo: 'Nenhum documento localizado', ultNSU: pad(p.max), maxNSU: pad(p.max), documents: [] };
    }
    const ult = docs.length < limit ? p.max : Number(docs[docs.length - 1].NSU);
    p.lastReturned = ult;
    if (ult >= p.max) p.nothingUntil = now + HOUR;
    return { cStat: '138', xMotivo: 'Documento(s) localizado(s)', ultNSU: pad(ult), maxNSU: pad(p.max), documents: docs };
  }

  private consNSU(p: Party, n: number, now: number): DistAnswer {
    if (now < p.blockedUntil) {
      this.earlyRetries++;
      return this.blocked(p, now, 'Bloqueio em andamento. Tente apos 1 hora');
    }
    p.keyLog = p.keyLog.filter((t) => now - t < HOUR);
    if (p.keyLog.length >= 20) return this.blocked(p, now, 'Ultrapassou o limite de 20 consultas por hora');
    p.keyLog.push(now);
    if (n > p.max) return { cStat: '589', xMotivo: 'Rejeicao: NSU informado superior ao maior NSU da base de dados', maxNSU: pad(p.max), documents: [] };
    const d = p.docs.get(n);
    if (!d) return { cStat: '137', xMotivo: 'Nenhum documento localizado', documents: [] };
    return { cStat: '138', xMotivo: 'Documento(s) localizado(s)', ultNSU: pad(n), maxNSU: pad(p.max), documents: [d] };
  }
}
