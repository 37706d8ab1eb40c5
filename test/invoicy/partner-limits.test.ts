// Per-partner limits: the token bucket and the concurrency cap on their own, then over SOAP — the
// refused call gets request code 179 with a Portuguese "try again" text and no document processed,
// other partners go on, and calls that fail authentication spend nothing.
import { parseXml } from '../../src/xml/parse';
import { PartnerLimits } from '../../src/invoicy/partner-limits';
import type { AuthenticatedCompany, DocumentRequest, DocumentResult } from '../../src/invoicy/types';
import { withCnpjCheckDigits } from '../../src/fiscal/cnpj';
import { CNPJ, MemoryBackend, envelope, md5, nfe, postSoap, startServer, type TestServer } from './helpers';

type Tree = Record<string, any>;

describe('PartnerLimits', () => {
  test('token bucket: a minute of calls at once, then one per 60/rate seconds; partners apart', () => {
    let now = 0;
    const limits = new PartnerLimits({ maxConcurrent: 0, ratePerMinute: 3 }, () => now);
    for (let i = 0; i < 3; i++) expect(limits.admit('p1')).toMatchObject({ ok: true });
    expect(limits.admit('p1')).toEqual({ ok: false, reason: 'rate', retryAfterSeconds: 20 });
    expect(limits.admit('p2')).toMatchObject({ ok: true });
    now = 15_000;
    expect(limits.admit('p1')).toEqual({ ok: false, reason: 'rate', retryAfterSeconds: 5 });
    now = 20_000;
    expect(limits.admit('p1')).toMatchObject({ ok: true });
    expect(limits.admit('p1')).toMatchObject({ ok: false });
    now = 10 * 60_000;
    for (let i = 0; i < 3; i++) expect(limits.admit('p1')).toMatchObject({ ok: true });
    expect(limits.admit('p1')).toMatchObject({ ok: false });
  });

  test('concurrency: a slot comes back on release (once), and a refusal takes no token', () => {
    const limits = new PartnerLimits({ maxConcurrent: 2, ratePerMinute: 3 }, () => 0);
    const a = limits.admit('p1');
    const b = limits.admit('p1');
    expect(limits.admit('p1')).toEqual({ ok: false, reason: 'concurrency', retryAfterSeconds: 1 });
    if (!a.ok || !b.ok) throw new Error('admitted expected');
    a.release();
    a.release();
    expect(limits.admit('p1')).toMatchObject({ ok: true });
    expect(limits.admit('p1')).toMatchObject({ ok: false, reason: 'concurrency' });
    b.release();
    // Three tokens, three admitted: the concurrency refusals spent none.
    expect(limits.admit('p1')).toMatchObject({ ok: false, reason: 'rate' });
  });

  test('0 = no limit', () => {
    const limits = new PartnerLimits({ maxConcurrent: 0, ratePerMinute: 0 }, () => 0);
    for (let i = 0; i < 1000; i++) expect(limits.admit('p1').ok).toBe(true);
  });
});

const OTHER_PARTNER_KEY = 'ZZZZZZZZZZZZZZZZZZZZZZ==';
const OTHER: AuthenticatedCompany = { id: 'c9', partnerId: 'p2', cnpj: withCnpjCheckDigits('556667770001'), uf: 'SP', enabled: true, accessKey: '99999999999999999999999999999999' };

/** The helpers' backend plus a second partner, and a gate that holds processing until opened. */
class GatedBackend extends MemoryBackend {
  /** Calls waiting at the gate. */
  waiting = 0;
  private open: () => void = () => undefined;
  private gate: Promise<void> = Promise.resolve();

  hold(): void {
    this.gate = new Promise((resolve) => { this.open = resolve; });
  }

  release(): void {
    this.open();
    this.gate = Promise.resolve();
  }

  override async findPartner(partnerKey: string): Promise<string | undefined> {
    return partnerKey === OTHER_PARTNER_KEY ? OTHER.partnerId : super.findPartner(partnerKey);
  }

  override async findCompany(partnerId: string, cnpj: string): Promise<AuthenticatedCompany | undefined> {
    return partnerId === OTHER.partnerId ? (cnpj === OTHER.cnpj ? OTHER : undefined) : super.findCompany(partnerId, cnpj);
  }

  override async process(company: AuthenticatedCompany, docs: DocumentRequest[]): Promise<DocumentResult[]> {
    this.waiting += 1;
    await this.gate;
    this.waiting -= 1;
    return super.process(company, docs);
  }
}

function message(body: string): { Codigo: string; Descricao: string; docs: number } {
  const tree = parseXml(body, { arrays: ['MensagemItem', 'DocumentosItem'] }) as Tree;
  const m = (tree['SOAP-ENV:Envelope']['SOAP-ENV:Body']['recepcao.ExecuteResponse'].Invoicyretorno.Mensagem.MensagemItem as Tree[])[0]!;
  return { Codigo: m.Codigo, Descricao: m.Descricao, docs: (m.Documentos?.DocumentosItem ?? []).length };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 10));
}

const call = (port: number, n: number) => postSoap(port, envelope([{ documento: nfe(CNPJ, n) }]));
const otherCall = (port: number, n: number) => {
  const doc = nfe(OTHER.cnpj, n);
  return postSoap(port, envelope([{ documento: doc }], { empPK: OTHER_PARTNER_KEY, empCK: md5(OTHER.accessKey + doc) }));
};

describe('over SOAP', () => {
  let s: TestServer;
  let backend: GatedBackend;
  afterEach(() => s.close());

  test('a partner past its concurrent calls gets 179 at once, nothing processed; another partner goes on', async () => {
    backend = new GatedBackend();
    s = await startServer({ backend, limits: new PartnerLimits({ maxConcurrent: 2, ratePerMinute: 0 }) });
    backend.hold();
    const held = [call(s.port, 1), call(s.port, 2)];
    await until(() => backend.waiting === 2);
    const refused = message((await call(s.port, 3)).body);
    expect(refused).toEqual({
      Codigo: '179',
      Descricao: 'Uso indevido: limite de 2 chamadas simultâneas do parceiro atingido; nenhum documento foi processado. Tente novamente quando as chamadas em andamento terminarem',
      docs: 0,
    });
    // Admitted (not refused) while the first partner is at its limit: it waits at the same gate.
    const other = otherCall(s.port, 1);
    await until(() => backend.waiting === 3);
    backend.release();
    expect(message((await other).body).Codigo).toBe('100');
    for (const r of await Promise.all(held)) expect(message(r.body).Codigo).toBe('100');
    expect(backend.calls.map((docs) => docs[0]!.documentXml).filter((x) => x.includes('<nNF>3</nNF>'))).toEqual([]);
    // The slots are back.
    expect(message((await call(s.port, 4)).body).Codigo).toBe('100');
    expect(backend.recorded.find((r) => r.codes[0] === 179)).toMatchObject({ companyId: 'c1', documents: 1 });
  });

  test('a partner past its calls per minute gets 179 saying when to retry; failed authentications spend nothing', async () => {
    backend = new GatedBackend();
    s = await startServer({ backend, limits: new PartnerLimits({ maxConcurrent: 0, ratePerMinute: 2 }) });
    for (let i = 0; i < 5; i++) {
      const doc = nfe(CNPJ, 10 + i);
      expect(message((await postSoap(s.port, envelope([{ documento: doc }], { empCK: md5('errada' + doc) }))).body).Codigo).toBe('173');
    }
    expect(message((await call(s.port, 1)).body).Codigo).toBe('100');
    expect(message((await call(s.port, 2)).body).Codigo).toBe('100');
    const refused = message((await call(s.port, 3)).body);
    expect(refused.Codigo).toBe('179');
    expect(refused.Descricao).toMatch(/^Uso indevido: limite de 2 chamadas por minuto do parceiro atingido; nenhum documento foi processado\. Tente novamente em (30|29) s$/);
    expect(message((await otherCall(s.port, 1)).body).Codigo).toBe('100');
    expect(backend.calls).toHaveLength(3);
  });
});
